package accounts

import (
	"errors"
	"fmt"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/words"
)

// ErrUnknownProvider: no preset or stored provider has that ID.
var ErrUnknownProvider = errors.New("unknown provider")

// ErrNoAccount and ErrAmbiguous are Find's failures.
var (
	ErrNoAccount = errors.New("no such account")
	ErrAmbiguous = errors.New("more than one account has that name")
)

// NameError is a name the user gave that picks no provider, no account or
// more than one account (Err: ErrUnknownProvider, ErrNoAccount or
// ErrAmbiguous, which it matches with errors.Is).
type NameError struct {
	Err  error
	Name string
}

func (e *NameError) Error() string { return fmt.Sprintf("%v %q", e.Err, e.Name) }
func (e *NameError) Unwrap() error { return e.Err }

// Message says it in the user's words.
func (e *NameError) Message() string {
	data := map[string]any{"Name": e.Name}
	switch e.Err {
	case ErrUnknownProvider:
		return words.L("There is no provider “{{.Name}}”.", data)
	case ErrAmbiguous:
		return words.L("More than one account is named “{{.Name}}”: give the account's ID instead.", data)
	}
	return words.L("There is no account named “{{.Name}}”.", data)
}

// OtherUserError: a reconnect signed in someone other than the account's
// user.
type OtherUserError struct{ Account, SignedIn string }

func (e *OtherUserError) Error() string {
	return fmt.Sprintf("reconnect of %q signed in another user (%q)", e.Account, e.SignedIn)
}

// Message says what happened and what to do.
func (e *OtherUserError) Message() string {
	return words.L("You signed in as {{.User}}, but this account belongs to someone else. Sign out of the provider in your browser "+
		"and reconnect as the account's user, or connect {{.User}} as a new account.", map[string]any{"User": e.SignedIn})
}

// ErrNotLinkable: only a sign-in read from Claude Code's own file can be
// linked.
var ErrNotLinkable = errors.New("only a sign-in read from Claude Code's credentials file can stay linked to it")

// NeedsImportError is Reconnect of an imported account that no file can
// renew: the sign-in has to come from Claude again.
type NeedsImportError struct{ Account string }

func (e *NeedsImportError) Error() string {
	return fmt.Sprintf("%s was imported: reconnecting means importing it again", e.Account)
}

// Message says what to do.
func (e *NeedsImportError) Message() string {
	return words.L("Sign in to Claude again (in Claude Code: /login), then import the new sign-in into {{.Name}} "+
		"(Import Claude sign-in, or: {{.Command}}).", map[string]any{"Name": e.Account,
		"Command": `tokentray import anthropic --account "` + e.Account + `" --file ~/.claude/.credentials.json`})
}

// KeptError is Disconnect keeping the account because revoking it at the
// provider could not even be tried, for a reason on this computer (the
// keyring is locked or missing) that the user can fix.
type KeptError struct{ Err error }

func (e *KeptError) Error() string { return "account kept: " + e.Err.Error() }
func (e *KeptError) Unwrap() error { return e.Err }

// Message says what to fix, and that nothing was removed.
func (e *KeptError) Message() string {
	return words.L("{{.Why}} The account was kept, so that its access can still be revoked at the provider "+
		"once that is fixed. (To forget it on this computer only, disconnect it without revoking.)", map[string]any{"Why": words.Message(e.Err)})
}

// RevokeError is Disconnect having forgotten the account here while the
// provider could not be told to end its access (unreachable, an error
// answer): the access may still be live there.
type RevokeError struct {
	Disconnected
	Err error
}

func (e *RevokeError) Error() string { return "account removed; revoke failed: " + e.Err.Error() }
func (e *RevokeError) Unwrap() error { return e.Err }

// Message says that the account is gone from here, why the provider was not
// told, and how the user can end the access there. Unlike words.Message it
// promises no retry: nothing is left here to retry with.
func (e *RevokeError) Message() string {
	var why string
	var ae *auth.Error
	errors.As(e.Err, &ae)
	switch {
	case ae == nil:
		why = words.L("something went wrong.")
	case ae.Kind == auth.KindTransient && ae.Status == 0 && !ae.Unreadable:
		why = words.L("Tokentray could not reach it (check your internet connection).")
	case ae.Kind == auth.KindTransient:
		why = words.L("it did not answer properly.")
	case ae.Kind == auth.KindMisconfigured && ae.Op == "refresh":
		why = words.L("it refused Tokentray's client settings (client ID or secret).")
	case ae.Kind == auth.KindCanceled:
		why = words.L("disconnecting was cancelled before it answered.")
	default:
		why = words.L("it refused the request.")
	}
	w := map[string]any{"Name": e.Account, "Provider": e.Provider, "Why": why}
	msg := words.L("Removed {{.Name}} from this computer, but {{.Provider}} could not be told to end its access: {{.Why}}", w)
	if e.ClioManage != "" {
		return msg + " " + words.L("Its access may still be live at Clio. To end it: {{.Where}}", map[string]any{"Where": e.clioWhere()})
	}
	if e.EndWhere.ID != "" {
		return msg + " " + words.L("Its access may still be live there: to end it, revoke it {{.Where}}.", map[string]any{"Where": e.EndWhere})
	}
	return msg + " " + words.L("Its access may still be live there: to end it, remove the app's access in your account settings at {{.Provider}}.", w)
}

// ErrNotBuiltIn: only a built-in provider moves to another base URL
// (ProviderChange.BaseURL).
var ErrNotBuiltIn = errors.New("only a built-in provider moves to another base URL")

// SettingError is a setting of a ProviderChange that cannot be used:
// Setting names the field ("BaseURL", "Redirect", "TokenURL" or
// "APIBase"), Err says why (an *auth.RedirectError or *auth.URLError,
// whose Message is the one shown; ErrNotBuiltIn).
type SettingError struct {
	Setting string
	Err     error
}

func (e *SettingError) Error() string { return e.Setting + ": " + e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }
