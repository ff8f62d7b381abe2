package policy

import (
	"math"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tokentray/tokentray/auth"
)

// raw is one source's values as read, before their types are checked:
// string, uint64 (a DWORD), []string (REG_MULTI_SZ) from the registry;
// string, bool, float64, []any, map[string]any from JSON.
type raw struct {
	where       string
	values      map[string]any
	providers   map[string]map[string]any
	recommended *raw
	// file: r was read from a policy file, where PolicyFile has no place.
	file bool
}

// policyFile is the policy file r's PolicyFile names, if it is one decode
// takes: text, a full path, in a registry key. decode says what is wrong
// with any other.
func (r *raw) policyFile() (string, bool) {
	if r == nil || r.file {
		return "", false
	}
	for name, x := range r.values {
		if s, ok := x.(string); ok && strings.EqualFold(name, PolicyFile) {
			s = strings.TrimSpace(s)
			return s, s != "" && filepath.IsAbs(s)
		}
	}
	return "", false
}

// count is how many values r holds, its subkeys' included.
func (r *raw) count() int {
	if r == nil {
		return 0
	}
	n := len(r.values)
	for _, p := range r.providers {
		n += len(p)
	}
	return n + r.recommended.count()
}

// idPattern is what a provider ID may be: the IDs the command line takes.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// decoder turns raw values into Settings, collecting what it skips.
type decoder struct {
	where    string
	problems []Problem
}

func (d *decoder) skip(name string, kind ProblemKind, detail string) {
	d.problems = append(d.problems, Problem{Source: d.where, Name: name, Kind: kind, Detail: detail})
}

// decode checks r's values; managedBy is r's ManagedBy (mandatory only),
// policyFile its PolicyFile (read by the source already: a mandatory
// key's only).
func decode(r *raw) (s Settings, managedBy, policyFile string, problems []Problem) {
	d := &decoder{where: r.where}
	names := make([]string, 0, len(r.values))
	for name := range r.values {
		names = append(names, name)
	}
	sort.Strings(names)
	var clio, casa Client
	for _, name := range names {
		v, known := valueOf(name, false)
		if !known {
			d.skip(name, UnknownName, "")
			continue
		}
		x := r.values[name]
		switch v.Kind {
		case String:
			str, ok := d.str(v, x)
			if !ok {
				continue
			}
			switch v.Name {
			case ManagedBy:
				managedBy = str
			case PolicyFile:
				switch p, ok := r.policyFile(); {
				case r.file:
					d.skip(v.Name, RegistryOnly, "")
				case !ok:
					d.skip(v.Name, BadValue, str)
				default:
					policyFile = p
				}
			case ClioRegion:
				if _, ok := auth.ClioRegionByCode(strings.ToLower(str)); !ok {
					d.skip(v.Name, BadValue, str)
					continue
				}
				clio.Region = strings.ToLower(str)
			case ClioClientID:
				clio.ClientID = str
			case ClioClientSecret:
				clio.Secret = str
			case ClientCasaClientID:
				casa.ClientID = str
			case ClientCasaSecret:
				casa.Secret = str
			case ClientCasaRedirect:
				if _, err := auth.ClientCasa("https://www.clientcasa.com").WithRedirect(str); err != nil {
					d.skip(v.Name, BadValue, str)
					continue
				}
				casa.Redirect = str
			}
		case Bool:
			b, ok := d.boolean(v, x)
			if !ok {
				continue
			}
			switch v.Name {
			case AllowCustomProviders:
				s.AllowCustomProviders = &b
			case GatewayAllowed:
				s.GatewayAllowed = &b
			case StartAtLogin:
				s.StartAtLogin = &b
			case Notifications:
				s.Notifications = &b
			}
		case Number:
			n, ok := d.number(v, x)
			if !ok {
				continue
			}
			if v.Name == ClearClipboardSeconds {
				if n < 1 || n > 24*3600 {
					d.skip(v.Name, BadValue, strconv.Itoa(n))
					continue
				}
				s.ClearClipboardSeconds = &n
			}
		case List:
			l, ok := d.list(v, x)
			if !ok {
				continue
			}
			var ids []string
			for _, id := range l {
				if id = strings.ToLower(id); !idPattern.MatchString(id) {
					d.skip(v.Name, UnknownProvider, id)
					continue
				}
				ids = append(ids, id)
			}
			if len(ids) > 0 {
				s.AllowedProviders = ids
			}
		}
	}
	// A client needs its ID: a secret or a redirect alone is no client.
	if clio != (Client{}) {
		if clio.ClientID == "" {
			d.skip(ClioClientSecret, Incomplete, ClioClientID)
		} else {
			if clio.Region == "" {
				clio.Region = "us"
			}
			s.Clio = &clio
		}
	}
	if casa != (Client{}) {
		if casa.ClientID == "" {
			d.skip(ClientCasaSecret, Incomplete, ClientCasaClientID)
		} else {
			s.ClientCasa = &casa
		}
	}
	s.Providers = d.customs(r.providers)
	return s, managedBy, policyFile, d.problems
}

// customs checks the custom providers: each needs an ID the command line
// takes, an https issuer and a client ID, and names no built-in provider.
func (d *decoder) customs(in map[string]map[string]any) map[string]Custom {
	ids := make([]string, 0, len(in))
	for id := range in {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out map[string]Custom
	for _, key := range ids {
		id := strings.ToLower(key)
		where := ProvidersKey + `\` + key
		if _, preset := auth.Preset(id); preset || !idPattern.MatchString(id) {
			d.skip(where, BadProviderID, key)
			continue
		}
		c := Custom{ID: id}
		names := make([]string, 0, len(in[key]))
		for name := range in[key] {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			v, known := valueOf(name, true)
			if !known {
				d.skip(where+`\`+name, UnknownName, "")
				continue
			}
			str, ok := d.str(Value{Name: where + `\` + v.Name, Kind: String}, in[key][name])
			if !ok {
				continue
			}
			switch v.Name {
			case ProviderName:
				c.Name = str
			case ProviderIssuer:
				c.Issuer = str
			case ProviderClientID:
				c.ClientID = str
			case ProviderClientSecret:
				c.Secret = str
			case ProviderRedirect:
				c.Redirect = str
			case ProviderAPIBase:
				if _, err := auth.CheckAPIBase(str); err != nil {
					d.skip(where+`\`+v.Name, BadValue, str)
					continue
				}
				c.APIBase = str
			}
		}
		switch {
		case c.Issuer == "":
			d.skip(where, Incomplete, ProviderIssuer)
		case !issuerOK(c.Issuer):
			d.skip(where+`\`+ProviderIssuer, BadValue, c.Issuer)
		case c.ClientID == "":
			d.skip(where, Incomplete, ProviderClientID)
		default:
			if c.Name == "" {
				c.Name = id
			}
			if out == nil {
				out = map[string]Custom{}
			}
			out[id] = c
		}
	}
	return out
}

// issuerOK: an issuer is https, or http on this computer (a test server).
func issuerOK(issuer string) bool {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		return h == "127.0.0.1" || h == "::1" || h == "localhost"
	}
	return false
}

func (d *decoder) str(v Value, x any) (string, bool) {
	s, ok := x.(string)
	if !ok {
		d.skip(v.Name, WrongType, v.Kind.String())
		return "", false
	}
	// Empty is not set: Group Policy writes a text box left empty so.
	s = strings.TrimSpace(s)
	return s, s != ""
}

func (d *decoder) boolean(v Value, x any) (bool, bool) {
	switch x := x.(type) {
	case bool:
		return x, true
	case uint64: // a DWORD
		if x <= 1 {
			return x == 1, true
		}
	case float64: // a JSON number: 0 or 1 as a DWORD would be
		if x == 0 || x == 1 {
			return x == 1, true
		}
	}
	d.skip(v.Name, WrongType, v.Kind.String())
	return false, false
}

func (d *decoder) number(v Value, x any) (int, bool) {
	switch x := x.(type) {
	case uint64:
		if x <= math.MaxInt32 {
			return int(x), true
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= math.MaxInt32 {
			return int(x), true
		}
	}
	d.skip(v.Name, WrongType, v.Kind.String())
	return 0, false
}

func (d *decoder) list(v Value, x any) ([]string, bool) {
	var l []string
	switch x := x.(type) {
	case string:
		l = strings.FieldsFunc(x, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	case []string:
		l = x
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				d.skip(v.Name, WrongType, v.Kind.String())
				return nil, false
			}
			l = append(l, s)
		}
	default:
		d.skip(v.Name, WrongType, v.Kind.String())
		return nil, false
	}
	l = slices.DeleteFunc(l, func(s string) bool { return strings.TrimSpace(s) == "" })
	for i := range l {
		l[i] = strings.TrimSpace(l[i])
	}
	return l, true
}
