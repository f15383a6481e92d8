// Pins the Temporal CLI (dev server + Web UI) apart from the main module so its
// large dependency graph never touches ours. Built with `make temporal`.
module koppel/tools

go 1.26

require github.com/temporalio/cli v1.5.1
