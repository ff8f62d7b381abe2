package claude_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/tokentray/tokentray/auth/claude"
)

// FuzzParse: any pasted or imported file gives either
// credentials that can be stored (both tokens, an expiry a JSON file can
// hold) or ErrBadCredentials — never a panic or a half-filled token.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"claudeAiOauth":{"accessToken":"sk-ant-oat01-a","refreshToken":"sk-ant-ort01-r","expiresAt":1767225600000,"scopes":["user:inference"],"subscriptionType":"max"}}`))
	f.Add([]byte(`{"access_token":"a","refresh_token":"r","expires_at":1767225600000,"scopes":["x"],"subscription_type":"pro"}`))
	f.Add([]byte(`{"oauth_credentials":{"access_token":"a","refresh_token":"r","expires_at":1767225600000}}`))
	f.Add([]byte(`{"access_token":"a","refresh_token":"r","expires_at":1767225600}`))
	f.Add([]byte(`{"access_token":"a","refresh_token":"r","expires_at":9223372036854775807}`))
	f.Add([]byte(`{"claudeAiOauth":null,"access_token":"a"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, _, err := claude.Parse(data)
		if err != nil {
			if !errors.Is(err, claude.ErrBadCredentials) {
				t.Fatalf("error is not ErrBadCredentials: %v", err)
			}
			return
		}
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
			t.Fatalf("half-filled credentials: access %v refresh %v expiry %v", tok.AccessToken != "", tok.RefreshToken != "", tok.Expiry)
		}
		if _, err := json.Marshal(tok); err != nil {
			t.Fatalf("accepted credentials cannot be stored: %v", err)
		}
	})
}
