package accounts

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/words"
)

// FreshToken finds the account by name (or ID) and hands out its token
// through the keeper, valid for at least minValid, with the account as it
// is after any refresh (scopes, extras).
func (a *App) FreshToken(ctx context.Context, name string, minValid time.Duration) (*auth.Token, store.Account, error) {
	acct, err := a.Find(name)
	if err != nil {
		return nil, store.Account{}, err
	}
	tok, err := a.keeper.EnsureFresh(ctx, acct.ID, minValid)
	if err != nil {
		return nil, store.Account{}, err
	}
	if acct, err = a.store.Account(acct.ID); err != nil {
		return nil, store.Account{}, err
	}
	return tok, acct, nil
}

// ErrNoTokenServer: no desktop app of this user answers token requests for
// this config dir (none runs, it serves another dir, or this OS has no
// token endpoint); the caller gets the token itself.
var ErrNoTokenServer = errors.New("no running Tokentray serves tokens here")

// tokenRequest is what `tokentray token` asks the running app, one JSON
// line: which account, how long its token must stay valid, and for which
// config dir (an app with another store does not answer).
type tokenRequest struct {
	ConfigDir string        `json:"config_dir"`
	Name      string        `json:"name"`
	MinValid  time.Duration `json:"min_valid"`
}

// tokenReply is the app's answer, one JSON line: the access token (never
// the refresh token) with the account, or the error as the command line
// would word it.
type tokenReply struct {
	AccessToken string         `json:"access_token,omitempty"`
	TokenType   string         `json:"token_type,omitempty"`
	Expiry      time.Time      `json:"expiry,omitzero"`
	Account     *store.Account `json:"account,omitempty"`
	Err         *RemoteError   `json:"error,omitempty"`
	// Elsewhere: this app keeps another config dir's accounts.
	Elsewhere bool `json:"elsewhere,omitempty"`
}

// RemoteError is a failure the running app met getting a token, carried
// back to the command line with the same wording and the same kind, so
// that its message and exit code are those of the direct path.
type RemoteError struct {
	Text  string `json:"text"`              // the error's own text
	Plain string `json:"message,omitempty"` // its sentence (words.English), if it had one
	// Said is its sentence as words (words.ExplainWords), where it gives
	// them, for the command line to say in its own user's language.
	Said      store.Problem `json:"words,omitzero"`
	Reconnect bool          `json:"reconnect,omitempty"`
	Keyring   bool          `json:"keyring,omitempty"`
	// Transient: a passing failure (see Retryable); RetryAfter is the wait
	// the provider asked for.
	Transient  bool          `json:"transient,omitempty"`
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// NoName: the name picked no account, or more than one, or no
	// provider (a NameError's sentinel: "account", "ambiguous", "provider").
	NoName string `json:"no_name,omitempty"`
}

func (e *RemoteError) Error() string { return e.Text }

// Words is the error's message ID and fields, as the app had them (an ID
// of "" when it had none: then Message is all there is).
func (e *RemoteError) Words() (string, map[string]any) { return e.Said.Words() }

// Message is the plain sentence the app had for the error, else its text
// as the command line shows an error without one.
func (e *RemoteError) Message() string {
	if e.Plain != "" {
		return e.Plain
	}
	return strings.TrimPrefix(e.Text, "tokentray: ")
}

// Is matches the sentinels the command line chooses its exit code, and
// whether to try again, by.
func (e *RemoteError) Is(target error) bool {
	return e.Reconnect && target == auth.ErrReconnectNeeded || e.Keyring && target == store.ErrKeyringUnavailable ||
		e.Transient && target == auth.ErrTransient || e.NoName != "" && target == noNames[e.NoName]
}

// noNames are the NameError sentinels a RemoteError carries, by name.
var noNames = map[string]error{"account": ErrNoAccount, "ambiguous": ErrAmbiguous, "provider": ErrUnknownProvider}

func remoteError(err error) *RemoteError {
	r := &RemoteError{Text: err.Error(), Reconnect: errors.Is(err, auth.ErrReconnectNeeded),
		Keyring: errors.Is(err, store.ErrKeyringUnavailable)}
	r.Transient, r.RetryAfter = Retryable(err)
	for name, sentinel := range noNames {
		if errors.Is(err, sentinel) {
			r.NoName = name
		}
	}
	r.Plain, _ = words.English(err)
	if id, data, ok := words.ExplainWords(err); ok {
		r.Said = store.NewProblem("", id, data)
	}
	return r
}

// Retryable reports whether err is a passing failure of the provider or
// the network (auth.ErrTransient: a timeout, a reset, 5xx, 429, an answer
// that could not be read), worth trying again, and how long the provider
// asked to wait first (Retry-After), if it did.
func Retryable(err error) (bool, time.Duration) {
	if !errors.Is(err, auth.ErrTransient) {
		return false, 0
	}
	var ae *auth.Error
	var re *RemoteError
	switch {
	case errors.As(err, &ae):
		return true, ae.RetryAfter
	case errors.As(err, &re):
		return true, re.RetryAfter
	}
	return true, 0
}
