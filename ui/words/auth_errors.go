package words

import (
	"errors"

	"github.com/tokentray/tokentray/auth"
)

// errorWords is what an *auth.Error says to a person who knows nothing of
// OAuth — what happened and what to do next — as a message ID and its
// fields. It never holds a token.
func errorWords(e *auth.Error) (string, map[string]any) {
	switch e.Kind {
	case auth.KindDeclined:
		return "You declined access in the browser. Nothing was connected; choose Connect again if that was a mistake.", nil
	case auth.KindReconnect:
		if e.Op == "exchange" {
			return "The sign-in could not be completed: the approval had expired or was already used. Please connect again.", nil
		}
		return "This account's access has ended (it was revoked or expired). Please reconnect the account.", nil
	case auth.KindTransient:
		if e.Unreadable {
			return "The provider answered, but with something Tokentray could not read. Tokentray will try again; nothing was lost.", nil
		}
		if e.Status != 0 {
			return "The provider is not answering properly right now. Tokentray will try again; nothing was lost.", nil
		}
		return "Tokentray could not reach the provider. Check your internet connection; Tokentray will try again.", nil
	case auth.KindMisconfigured:
		if n := e.NoClientID; n != nil {
			return "{{.Name}} has no client ID yet. Enter the client ID registered for Tokentray under Provider settings " +
				"(or: tokentray provider set {{.ID}} --client-id …), then connect again.", map[string]any{"Name": providerSaid(*n), "ID": n.ID}
		}
		if n := e.NoClientSecret; n != nil {
			return "{{.Name}} needs the client secret registered for Tokentray, and none is set. Enter it under Provider settings " +
				"(or: tokentray provider set {{.ID}} --client-secret-stdin), then connect again.", map[string]any{"Name": providerSaid(*n), "ID": n.ID}
		}
		return "The provider refused Tokentray's client settings (client ID, secret or redirect address). Ask whoever set up Tokentray to check them.", nil
	case auth.KindPortBusy:
		if e.Holder != "" {
			return "Port {{.Port}}, which this provider requires for sign-in, is in use by “{{.Holder}}”. Close that program and try again.",
				map[string]any{"Port": e.Port, "Holder": e.Holder}
		}
		return "Port {{.Port}}, which this provider requires for sign-in, is in use by another program. Close that program and try again.",
			map[string]any{"Port": e.Port}
	case auth.KindCanceled:
		return "Connecting was cancelled.", nil
	case auth.KindTimeout:
		return "The browser did not come back in time. Please try connecting again.", nil
	}
	return "Something went wrong while talking to the provider. Please try again.", nil
}

// pasteWords is the sentence for a paste that was refused
// (auth.ErrNotApproval, ErrNotLanded, ErrNoState, ErrOtherAttempt), which
// is also its message ID; false for any other error.
func pasteWords(err error) (string, bool) {
	switch {
	case errors.Is(err, auth.ErrNotApproval):
		return "That is not Clio's approval page. Paste the address of the page you landed on after approving " +
			"(it contains code=…), its title, or just the code.", true
	case errors.Is(err, auth.ErrNotLanded):
		return "That is not the address of the page you landed on. After you approve, copy the whole address your browser shows " +
			"(it contains code=… and state=…) and paste it here.", true
	case errors.Is(err, auth.ErrNoState):
		return "That address has no state=… part, so Tokentray cannot tell that it belongs to this sign-in. " +
			"Copy the whole address your browser shows and paste it here.", true
	case errors.Is(err, auth.ErrOtherAttempt):
		return "That approval belongs to an earlier attempt. Approve again in the browser window Tokentray just opened, then paste that page's address.", true
	}
	return "", false
}

// urlErrorWords is what an *auth.URLError says: tokens go only to https,
// or over plain http to this computer.
func urlErrorWords(e *auth.URLError) (string, map[string]any) {
	return "The address “{{.Value}}” cannot be used: tokens are sent only to an https:// address " +
		"(plain http only to this computer: 127.0.0.1, [::1] or localhost).", map[string]any{"Value": e.Value}
}

// unexplained is the words for an error that has none of its own.
var unexplained = Phrase{ID: "Something went wrong. Please try again."}
