package accounts

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/words"
)

// TestRemoteErrorKeepsWordsAndKind: an error the app met, carried to the
// command line as JSON, is said in the same words and chooses the same
// exit code (the sentinels it matches) as the error itself.
func TestRemoteErrorKeepsWordsAndKind(t *testing.T) {
	for _, err := range []error{
		&auth.Error{Kind: auth.KindReconnect, Op: "refresh", Err: errors.New("account needs reconnecting")},
		fmt.Errorf("load: %w", &store.KeyringError{Op: "read key", Timeout: true}),
		fmt.Errorf("tokentray: no account named %q", "Nobody"),
		&auth.Error{Kind: auth.KindTransient, Op: "refresh", Status: 429, RetryAfter: 3 * time.Second},
	} {
		data, jerr := json.Marshal(remoteError(err))
		var back RemoteError
		if jerr != nil || json.Unmarshal(data, &back) != nil {
			t.Fatalf("%v does not travel: %v", err, jerr)
		}
		want, ok := words.English(err)
		if !ok {
			want = err.Error()[len("tokentray: "):]
		}
		if back.Message() != want {
			t.Errorf("%v said as %q, want %q", err, back.Message(), want)
		}
		t1, a1 := Retryable(err)
		if t2, a2 := Retryable(&back); t1 != t2 || a1 != a2 {
			t.Errorf("%v: retryable %v after %v, carried: %v after %v", err, t1, a1, t2, a2)
		}
		for _, sentinel := range []error{auth.ErrReconnectNeeded, store.ErrKeyringUnavailable, auth.ErrTransient} {
			if errors.Is(&back, sentinel) != errors.Is(err, sentinel) {
				t.Errorf("%v: matches %v: %v, carried: %v", err, sentinel, errors.Is(err, sentinel), errors.Is(&back, sentinel))
			}
		}
	}
}

// TestRemoteErrorInTheReadersLanguage: an error the running app met is
// said by the command line in its own user's language — it carries its
// words, not only the app's sentence (auth's is English) — with the parts
// that vary filled in, and the reason inside a sentence translated too.
func TestRemoteErrorInTheReadersLanguage(t *testing.T) {
	defer words.Use("en")
	_, badRedirect := auth.Provider{ID: "x", Name: "X"}.WithRedirect("http://example.com/cb")
	for _, c := range []struct {
		err  error
		want string
	}{
		{&auth.Error{Kind: auth.KindReconnect, Op: "refresh"}, "L’accès de ce compte a pris fin (il a été révoqué ou a expiré). Veuillez reconnecter le compte."},
		{&auth.Error{Kind: auth.KindPortBusy, Port: 53111, Holder: "node"}, "Le port 53111"},
		{fmt.Errorf("load: %w", &store.KeyringError{Op: "read key", Timeout: true}), "Le trousseau du système n’a pas répondu."},
		{badRedirect, "La redirection « http://example.com/cb » ne peut pas être utilisée : le http simple"},
	} {
		words.Use("en") // the app's language
		data, err := json.Marshal(remoteError(c.err))
		var back RemoteError
		if err != nil || json.Unmarshal(data, &back) != nil {
			t.Fatalf("%v does not travel: %v", c.err, err)
		}
		words.Use("fr") // the command line's
		got := words.Message(fmt.Errorf("token: %w", &back))
		if !strings.Contains(got, c.want) || strings.Contains(got, auth.Message(c.err)) {
			t.Errorf("%v, carried, said in French as %q; want it to say %q", c.err, got, c.want)
		}
	}
}

// TestKeptErrorInTheReadersLanguage: an account kept because its token
// could not be read to revoke it says why in the user's language, the
// reason included.
func TestKeptErrorInTheReadersLanguage(t *testing.T) {
	defer words.Use("en")
	words.Use("fr")
	why := &store.KeyringError{Op: "read key", Timeout: true}
	got := (&KeptError{Err: fmt.Errorf("load token: %w", why)}).Message()
	if !strings.HasPrefix(got, "Le trousseau du système n’a pas répondu.") || !strings.Contains(got, "Le compte a été conservé") ||
		strings.Contains(got, auth.Message(why)) {
		t.Errorf("said in French as %q", got)
	}
}
