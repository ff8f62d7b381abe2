package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
)

// Identity names the person behind an account.
type Identity struct {
	Subject string `json:"subject,omitempty"`
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
}

// Label is the best short name for the account: the name, else the email,
// else the subject.
func (id Identity) Label() string {
	for _, s := range []string{id.Name, id.Email, id.Subject} {
		if s != "" {
			return s
		}
	}
	return ""
}

// FetchIdentity asks the provider who the token belongs to: Clio's who_am_i
// (data.name) or OIDC userinfo (name, email, sub). A provider without an
// identity endpoint gets an empty Identity and no error.
func FetchIdentity(ctx context.Context, client *http.Client, p Provider, tok *oauth2.Token) (Identity, error) {
	if p.IdentityURL == "" || p.Identity == IdentityNone {
		return Identity{}, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.IdentityURL, nil)
	if err != nil {
		return Identity{}, &Error{Kind: KindMisconfigured, Op: "identity", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	data, err := do(httpClient(client), req)
	if err != nil {
		return Identity{}, classify("identity", err)
	}
	var id Identity
	switch p.Identity {
	case IdentityClio:
		var v struct {
			Data struct {
				ID   json.Number `json:"id"`
				Name string      `json:"name"`
			} `json:"data"`
		}
		err = json.Unmarshal(data, &v)
		id = Identity{Subject: v.Data.ID.String(), Name: v.Data.Name}
	default:
		var v struct {
			Sub               string `json:"sub"`
			Name              string `json:"name"`
			Email             string `json:"email"`
			PreferredUsername string `json:"preferred_username"`
		}
		err = json.Unmarshal(data, &v)
		id = Identity{Subject: v.Sub, Name: v.Name, Email: v.Email}
		if id.Email == "" && strings.Contains(v.PreferredUsername, "@") {
			id.Email = v.PreferredUsername
		}
	}
	if err != nil {
		return Identity{}, classify("identity", fmt.Errorf("parse identity: %w", err))
	}
	return id, nil
}
