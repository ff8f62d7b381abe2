package accounts

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
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
		var m interface{ Message() string }
		want := err.Error()
		if errors.As(err, &m) {
			want = m.Message()
		} else {
			want = want[len("tokentray: "):]
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
