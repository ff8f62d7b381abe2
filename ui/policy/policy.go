// Package policy reads the settings a firm's IT manages: on Windows the
// registry keys HKLM\SOFTWARE\Policies\Tokentray (mandatory),
// HKCU\SOFTWARE\Policies\Tokentray (mandatory, below HKLM) and their
// Recommended subkeys (defaults the user may change); elsewhere the file
// /etc/tokentray/policy.json (TOKENTRAY_POLICY_FILE names another), with
// the same names. On Windows a policy key's PolicyFile value may name a
// file in that format (a JSON policy file kept on a share, say), read
// right below the key that names it. Reading never fails: a value that
// cannot be used is skipped and listed in Policy.Problems, and everything
// else applies.
//
// The package reads and checks; ui/accounts applies what it read.
package policy

import (
	"slices"
	"strings"
)

// Kind is the type of a policy value: in the registry, and in JSON.
type Kind int

const (
	// String: REG_SZ (or REG_EXPAND_SZ, expanded); a JSON string.
	String Kind = iota
	// Bool: a REG_DWORD, 0 or 1; a JSON true or false.
	Bool
	// Number: a REG_DWORD; a JSON whole number.
	Number
	// List: REG_MULTI_SZ, or a REG_SZ of names separated by commas; a
	// JSON array of strings, or a string of names separated by commas.
	List
)

func (k Kind) String() string {
	switch k {
	case Bool:
		return "bool"
	case Number:
		return "number"
	case List:
		return "list"
	}
	return "string"
}

// Value is one policy value the code reads.
type Value struct {
	Name string
	Kind Kind
	// Provider: the value is one of a custom provider's, read in
	// Providers\<ID> (the registry) or "Providers": {"<ID>": {…}} (JSON).
	Provider bool
}

// The names of the values, the same in the registry and in policy.json.
const (
	ManagedBy             = "ManagedBy"
	AllowedProviders      = "AllowedProviders"
	AllowCustomProviders  = "AllowCustomProviders"
	GatewayAllowed        = "GatewayAllowed"
	ClearClipboardSeconds = "ClearClipboardSeconds"
	StartAtLogin          = "StartAtLogin"
	Notifications         = "Notifications"
	ClioRegion            = "ClioRegion"
	ClioClientID          = "ClioClientID"
	ClioClientSecret      = "ClioClientSecret"
	ClientCasaClientID    = "ClientCasaClientID"
	ClientCasaSecret      = "ClientCasaClientSecret"
	ClientCasaRedirect    = "ClientCasaRedirect"
	// PolicyFile (Windows, in a mandatory policy key only) names a policy
	// file in the JSON format of /etc/tokentray/policy.json, by its full
	// path: its values are read right below that key's own, its top level
	// mandatory, its Recommended object recommended. A policy file cannot
	// name another: in a file, PolicyFile is skipped (RegistryOnly).
	PolicyFile = "PolicyFile"

	// ProvidersKey holds one subkey (object) per custom provider, named by
	// its ID, with the values below.
	ProvidersKey         = "Providers"
	ProviderName         = "Name"
	ProviderIssuer       = "Issuer"
	ProviderClientID     = "ClientID"
	ProviderClientSecret = "ClientSecret"
	ProviderRedirect     = "Redirect"
	ProviderAPIBase      = "APIBase"

	// RecommendedKey is the subkey (object) of recommended values: the
	// same names, as defaults the user may change.
	RecommendedKey = "Recommended"
)

// Values are every value the code reads: the ADMX template
// (assets/windows/policy) names exactly these.
var Values = []Value{
	{ManagedBy, String, false},
	{AllowedProviders, List, false},
	{AllowCustomProviders, Bool, false},
	{GatewayAllowed, Bool, false},
	{ClearClipboardSeconds, Number, false},
	{StartAtLogin, Bool, false},
	{Notifications, Bool, false},
	{ClioRegion, String, false},
	{ClioClientID, String, false},
	{ClioClientSecret, String, false},
	{ClientCasaClientID, String, false},
	{ClientCasaSecret, String, false},
	{ClientCasaRedirect, String, false},
	{PolicyFile, String, false},
	{ProviderName, String, true},
	{ProviderIssuer, String, true},
	{ProviderClientID, String, true},
	{ProviderClientSecret, String, true},
	{ProviderRedirect, String, true},
	{ProviderAPIBase, String, true},
}

// Recommendable reports whether v may be set in Recommended, as a default
// the user may change. Who manages Tokentray, which providers it offers,
// whether users add their own and whether the gateway may run are the
// firm's to decide or not: mandatory only, as custom providers are. So is
// PolicyFile: it names where mandatory policy lives.
func Recommendable(v Value) bool {
	switch v.Name {
	case ManagedBy, AllowedProviders, AllowCustomProviders, GatewayAllowed, PolicyFile:
		return false
	}
	return !v.Provider
}

func valueOf(name string, provider bool) (Value, bool) {
	i := slices.IndexFunc(Values, func(v Value) bool { return strings.EqualFold(v.Name, name) && v.Provider == provider })
	if i < 0 {
		return Value{}, false
	}
	return Values[i], true
}

// Client is a built-in provider's client as policy sets it; empty fields
// are not set.
type Client struct {
	// Region is Clio's: us, ca, eu or au.
	Region   string
	ClientID string
	Secret   string
	Redirect string
}

// Custom is a custom OpenID provider set by policy.
type Custom struct {
	ID, Name, Issuer, ClientID, Secret, Redirect, APIBase string
}

// Settings are the values of one level (mandatory or recommended); nil and
// empty are not set.
type Settings struct {
	AllowedProviders      []string
	AllowCustomProviders  *bool
	GatewayAllowed        *bool
	ClearClipboardSeconds *int
	StartAtLogin          *bool
	Notifications         *bool
	Clio                  *Client
	ClientCasa            *Client
	// Providers are custom providers, by ID.
	Providers map[string]Custom
}

// Empty reports whether s sets nothing.
func (s Settings) Empty() bool {
	return s.AllowedProviders == nil && s.AllowCustomProviders == nil && s.GatewayAllowed == nil &&
		s.ClearClipboardSeconds == nil && s.StartAtLogin == nil && s.Notifications == nil &&
		s.Clio == nil && s.ClientCasa == nil && len(s.Providers) == 0
}

// Source is a place policy was looked for.
type Source struct {
	// Where: the registry key or the file.
	Where string
	// Found: it exists (and was read, unless a Problem says otherwise).
	Found bool
	// Values: how many values it held, subkeys' included.
	Values int
}

// Policy is what the sources say, merged: a mandatory value of a higher
// source wins over a lower one's (HKLM over HKCU).
type Policy struct {
	// ManagedBy names who manages Tokentray ("Example LLP IT"); empty
	// when not set.
	ManagedBy   string
	Mandatory   Settings
	Recommended Settings
	Sources     []Source
	Problems    []Problem
}

// Managed reports whether any source set anything.
func (p *Policy) Managed() bool {
	return p != nil && (p.ManagedBy != "" || !p.Mandatory.Empty() || !p.Recommended.Empty())
}

// merge adds lower's values that s does not set yet.
func (s *Settings) merge(lower Settings) {
	if s.AllowedProviders == nil {
		s.AllowedProviders = lower.AllowedProviders
	}
	for _, f := range []struct{ dst, src **bool }{
		{&s.AllowCustomProviders, &lower.AllowCustomProviders}, {&s.GatewayAllowed, &lower.GatewayAllowed},
		{&s.StartAtLogin, &lower.StartAtLogin}, {&s.Notifications, &lower.Notifications},
	} {
		if *f.dst == nil {
			*f.dst = *f.src
		}
	}
	if s.ClearClipboardSeconds == nil {
		s.ClearClipboardSeconds = lower.ClearClipboardSeconds
	}
	s.Clio = mergeClient(s.Clio, lower.Clio)
	s.ClientCasa = mergeClient(s.ClientCasa, lower.ClientCasa)
	for id, c := range lower.Providers {
		if _, ok := s.Providers[id]; !ok {
			if s.Providers == nil {
				s.Providers = map[string]Custom{}
			}
			s.Providers[id] = c
		}
	}
}

// mergeClient: a client set higher up is kept whole, never mixed with a
// lower one's fields (a client ID and its secret belong together).
func mergeClient(high, low *Client) *Client {
	if high == nil {
		return low
	}
	return high
}
