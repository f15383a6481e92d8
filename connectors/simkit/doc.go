// Package simkit holds the plumbing every simulator shares: REST routing
// with op names (router.go), paging parameters (paging.go), JSON answers
// and the 429 with Retry-After (respond.go, limiter.go), served-call
// counts (calls.go), fault injection (faults.go), webhook delivery with
// retries and a log (webhooks.go), a loopback server and the registry of
// simulators for the local demo.
//
// Nothing here knows a system: each simulator supplies its own error
// bodies, media types, paging parameter names and status codes, so a
// client mistake meets the real wire shape and is not hidden by a shared
// one.
package simkit
