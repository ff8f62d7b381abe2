// Package claude reads and writes Claude's OAuth sign-in: the credentials
// file Claude Code keeps (~/.claude/.credentials.json, {"claudeAiOauth":
// {...}}), and the snake_case shape of wrapper APIs ({"access_token", ...},
// bare or under "oauth_credentials").
//
// Both tokens rotate on every refresh, so a sign-in imported from Claude
// Code's file is shared with it: File lets Tokentray read the newest pair
// from that file before refreshing and write the new pair back after,
// keeping every other field as it was.
package claude

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
)

// ErrBadCredentials: the text is not Claude OAuth credentials.
var ErrBadCredentials = errors.New("not Anthropic OAuth credentials: expected a Claude credentials file " +
	`({"claudeAiOauth": {...}}) or {"access_token", "refresh_token", "expires_at", ...}`)

// maxExpiresAt is the last millisecond of year 9999, the latest time JSON
// (RFC 3339) can store.
var maxExpiresAt = time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC).UnixMilli()

// Wrapper is the snake_case credentials shape a Claude wrapper API takes
// (its oauth_credentials); expires_at is in milliseconds.
type Wrapper struct {
	AccessToken      string   `json:"access_token"`
	RefreshToken     string   `json:"refresh_token"`
	ExpiresAt        int64    `json:"expires_at"`
	Scopes           []string `json:"scopes"`
	SubscriptionType string   `json:"subscription_type,omitempty"`
}

// camel is the claudeAiOauth object of Claude Code's file.
type camel struct {
	AccessToken      string   `json:"accessToken"`
	RefreshToken     string   `json:"refreshToken"`
	ExpiresAt        int64    `json:"expiresAt"`
	Scopes           []string `json:"scopes"`
	SubscriptionType string   `json:"subscriptionType"`
}

// Shape says which form Parse read.
type Shape int

const (
	ShapeClaudeCode Shape = iota // {"claudeAiOauth": {...}}
	ShapeWrapper                 // snake_case, bare or under oauth_credentials
)

// Parse reads either shape into a token whose extras carry "scopes" and
// "subscription_type" (the plan).
func Parse(data []byte) (*oauth2.Token, Shape, error) {
	var doc struct {
		Claude *camel   `json:"claudeAiOauth"`
		Nested *Wrapper `json:"oauth_credentials"`
		Wrapper
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, 0, fmt.Errorf("%w (%v)", ErrBadCredentials, err)
	}
	w, shape := doc.Wrapper, ShapeWrapper
	switch {
	case doc.Claude != nil:
		c := doc.Claude
		w = Wrapper{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken, ExpiresAt: c.ExpiresAt,
			Scopes: c.Scopes, SubscriptionType: c.SubscriptionType}
		shape = ShapeClaudeCode
	case doc.Nested != nil:
		w = *doc.Nested
	}
	if w.AccessToken == "" || w.RefreshToken == "" {
		return nil, 0, ErrBadCredentials
	}
	// Seconds, a missing value, or a time no file can hold (past year
	// 9999): milliseconds are required.
	if w.ExpiresAt < 1e11 || w.ExpiresAt > maxExpiresAt {
		return nil, 0, fmt.Errorf("%w: expires_at must be milliseconds since 1970", ErrBadCredentials)
	}
	tok := &oauth2.Token{AccessToken: w.AccessToken, RefreshToken: w.RefreshToken, TokenType: "Bearer",
		Expiry: time.UnixMilli(w.ExpiresAt)}
	extra := map[string]any{}
	if w.Scopes != nil {
		extra["scopes"] = w.Scopes
	}
	if w.SubscriptionType != "" {
		extra["subscription_type"] = w.SubscriptionType
	}
	return tok.WithExtra(extra), shape, nil
}

// Plan is the subscription a token's extras name ("max", "pro"), or "".
func Plan(tok *oauth2.Token) string {
	s, _ := tok.Extra("subscription_type").(string)
	return s
}

// DefaultPath is where Claude Code keeps its sign-in on Linux and Windows:
// $CLAUDE_CONFIG_DIR/.credentials.json, else ~/.claude/.credentials.json.
// (On macOS Claude Code keeps it in the Keychain; the file exists only on
// older installs.)
func DefaultPath() (string, error) {
	if dir := os.Getenv("CLAUDE_CONFIG_DIR"); dir != "" {
		return filepath.Join(dir, ".credentials.json"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home folder: %w", err)
	}
	return filepath.Join(home, ".claude", ".credentials.json"), nil
}

// AccountEmail is the e-mail address Claude Code signed in with, from the
// .claude.json beside the credentials' folder (its "oauthAccount"), or ""
// when it cannot tell. It reads no secret.
func AccountEmail(credentialsPath string) string {
	dir := filepath.Dir(credentialsPath)
	candidates := []string{filepath.Join(dir, ".claude.json")}
	if filepath.Base(dir) == ".claude" {
		candidates = append(candidates, filepath.Join(filepath.Dir(dir), ".claude.json"))
	}
	for _, path := range candidates {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var doc struct {
			Account struct {
				Email string `json:"emailAddress"`
			} `json:"oauthAccount"`
		}
		if json.Unmarshal(data, &doc) == nil && doc.Account.Email != "" {
			return doc.Account.Email
		}
	}
	return ""
}

// File is a Claude Code credentials file that an account is linked to.
type File struct{ Path string }

// Read returns the sign-in in the file now.
func (f File) Read() (*oauth2.Token, error) {
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, fmt.Errorf("read Claude's credentials: %w", err)
	}
	tok, shape, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("read Claude's credentials %s: %w", f.Path, err)
	}
	if shape != ShapeClaudeCode {
		return nil, fmt.Errorf("read Claude's credentials %s: %w", f.Path, ErrBadCredentials)
	}
	return tok, nil
}

// Write puts tok's pair and expiry into the file, keeping every other field
// (in claudeAiOauth and around it) as it was, and replaces the file in one
// step, so that a reader sees either the old pair or the new one.
func (f File) Write(tok *oauth2.Token) error {
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return fmt.Errorf("read Claude's credentials: %w", err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("read Claude's credentials %s: %w", f.Path, err)
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(doc["claudeAiOauth"], &inner); err != nil || inner == nil {
		return fmt.Errorf("read Claude's credentials %s: %w", f.Path, ErrBadCredentials)
	}
	set := func(key string, v any) {
		raw, _ := json.Marshal(v) // strings and numbers always encode
		inner[key] = raw
	}
	set("accessToken", tok.AccessToken)
	set("refreshToken", tok.RefreshToken)
	set("expiresAt", tok.Expiry.UnixMilli())
	if s := auth.Scopes(tok); len(s) > 0 {
		set("scopes", s)
	}
	if p := Plan(tok); p != "" {
		set("subscriptionType", p)
	}
	raw, err := json.Marshal(inner)
	if err != nil {
		return fmt.Errorf("encode Claude's credentials: %w", err)
	}
	doc["claudeAiOauth"] = raw
	out, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode Claude's credentials: %w", err)
	}
	return replaceFile(f.Path, out)
}

// replaceFile writes data to a temporary file beside path, with path's
// permissions, and renames it over path.
func replaceFile(path string, data []byte) error {
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".credentials-*.tmp")
	if err != nil {
		return fmt.Errorf("write Claude's credentials: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, nothing to remove
	if err := tmp.Chmod(mode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return fmt.Errorf("write Claude's credentials: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write Claude's credentials: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write Claude's credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write Claude's credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write Claude's credentials: %w", err)
	}
	return nil
}

// SignIn is a Claude sign-in about to be imported: what the user is shown
// (who, plan, expiry — never the tokens) and where it came from.
type SignIn struct {
	Token *oauth2.Token
	// Path is the Claude Code credentials file it was read from; "" when
	// pasted or in the wrapper's shape, which cannot be linked.
	Path string
	// Email is who Claude Code signed in, when its settings say.
	Email string
}

// Load reads a credentials file.
func Load(path string) (SignIn, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return SignIn{}, fmt.Errorf("read Claude's credentials: %w", err)
	}
	tok, shape, err := Parse(data)
	if err != nil {
		return SignIn{}, err
	}
	s := SignIn{Token: tok, Email: AccountEmail(path)}
	if shape == ShapeClaudeCode {
		if abs, err := filepath.Abs(path); err == nil {
			s.Path = abs
		}
	}
	return s, nil
}

// FromText reads pasted credentials, in either shape.
func FromText(data []byte) (SignIn, error) {
	tok, _, err := Parse(data)
	if err != nil {
		return SignIn{}, err
	}
	return SignIn{Token: tok}, nil
}

// Plan is the subscription ("max", "pro"), or "".
func (s SignIn) Plan() string { return Plan(s.Token) }

// Label is the account name an import gets unless the user gives one: the
// e-mail address, else "Claude (plan)".
func (s SignIn) Label() string {
	switch {
	case s.Email != "":
		return s.Email
	case s.Plan() != "":
		return "Claude (" + s.Plan() + ")"
	}
	return "Claude"
}
