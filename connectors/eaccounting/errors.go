package eaccounting

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// readError reads the API's error body (§2.7). The ErrorCode decides the
// kind, since the HTTP status of each code is not documented (§5): a 3000
// may come as 400 when the missing record is named in a body. The text is
// the developer message with the fields a validation names and the ErrorId
// Visma's support asks for.
func readError(r *httpkit.Response) (connectors.ErrorKind, string, string) {
	var body ErrorBody
	if err := json.Unmarshal(r.Body, &body); err != nil || body.ErrorCode == 0 {
		// ASP.NET's own answers (an unknown path, a 500) carry {"Message": …}.
		var plain struct{ Message string }
		_ = json.Unmarshal(r.Body, &plain)
		return "", "", plain.Message
	}
	text := strings.TrimSpace(body.DeveloperErrorMessage)
	var fields []string
	for _, e := range body.Errors {
		switch {
		case e.Field != "" && e.Message != "":
			fields = append(fields, e.Field+": "+e.Message)
		case e.Field != "":
			fields = append(fields, e.Field)
		case e.Message != "":
			fields = append(fields, e.Message)
		}
	}
	if len(fields) > 0 {
		text = strings.TrimSuffix(text, ".") + " (" + strings.Join(fields, "; ") + ")"
	}
	kind := kindOfCode(body.ErrorCode, r.Status)
	switch body.ErrorCode {
	case CodeNoScope:
		text += "; the consent lacks a scope this call needs: add it to options.scopes and run starter connect again"
	case CodeNotAuthorized:
		text += "; the access token was refused"
	}
	if body.ErrorId != "" {
		text += " [ErrorId " + body.ErrorId + "]"
	}
	return kind, strconv.Itoa(body.ErrorCode), text
}

// kindOfCode maps an ErrorCode to the kind of error; "" leaves it to the status.
func kindOfCode(code, status int) connectors.ErrorKind {
	switch code {
	case CodeValidation, CodeNoFiscalYear, CodeAccountNotFound, CodeCannotDelete:
		return connectors.KindValidation
	case CodeNotFound:
		return connectors.KindNotFound
	case CodeConflict:
		return connectors.KindConflict
	case CodeNoApprovalRights, CodeNotAuthorized, CodeNoScope:
		return connectors.KindAuth
	case CodeCannotWrite:
		// one number for two errors (§2.7): a missing add-on module comes as 403
		if status == 403 {
			return connectors.KindAuth
		}
		return connectors.KindValidation
	case CodeStartupGuide, CodeCompanyInactive:
		// the company must be set up or reactivated in eAccounting first
		return connectors.KindConfig
	case CodeRateLimited:
		return connectors.KindRateLimited
	}
	return ""
}

// tryAgainIn finds the wait in the quota message: "… Try again in 55 seconds."
var tryAgainIn = regexp.MustCompile(`(?i)try again in (\d+) seconds?`)

// waitInMessage reads the wait of a 429 from its message: the API
// documents no Retry-After header (§2.6), only the text.
func waitInMessage(text string) time.Duration {
	if m := tryAgainIn.FindStringSubmatch(text); m != nil {
		if s, err := strconv.Atoi(m[1]); err == nil {
			return max(time.Duration(s)*time.Second, time.Second)
		}
	}
	return 0
}
