package policy

import (
	"errors"
	"os"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// KeyPath is the policy key, under HKLM (mandatory, first) and HKCU.
const KeyPath = `SOFTWARE\Policies\Tokentray`

// KeyEnv names another key to read instead of KeyPath: for tests, which
// run side by side and must not see each other's policy.
const KeyEnv = "TOKENTRAY_POLICY_KEY"

// readSources reads HKLM's and HKCU's policy keys and their Recommended
// subkeys. Only the machine's 64-bit view is read (Tokentray is 64-bit).
// A policy file named by a key's PolicyFile is read right below that key:
// its top level after the key's values, its Recommended after the key's
// Recommended subkey (each file once, where it is first named).
func readSources() (mandatory, recommended []*raw, sources []Source, problems []Problem) {
	key := KeyPath
	if k := os.Getenv(KeyEnv); k != "" {
		key = k
	}
	named := map[string]bool{}
	for _, root := range []struct {
		key  registry.Key
		name string
	}{{registry.LOCAL_MACHINE, "HKLM"}, {registry.CURRENT_USER, "HKCU"}} {
		var fileRecommended *raw
		for _, rec := range []bool{false, true} {
			path := key
			if rec {
				path += `\` + RecommendedKey
			}
			where := root.name + `\` + path
			r, src, probs := readKey(root.key, path, where)
			sources = append(sources, src)
			problems = append(problems, probs...)
			switch {
			case r == nil:
			case rec:
				recommended = append(recommended, r)
			default:
				mandatory = append(mandatory, r)
			}
			if rec {
				if fileRecommended != nil {
					recommended = append(recommended, fileRecommended)
				}
				continue
			}
			// PolicyFile: a mandatory key's only (a Recommended key's is
			// skipped, NotRecommended).
			file, ok := r.policyFile()
			if !ok || named[strings.ToLower(file)] {
				continue
			}
			named[strings.ToLower(file)] = true
			m, fr, fsrc, fprobs := namedFile(file, where)
			sources = append(sources, fsrc)
			problems = append(problems, fprobs...)
			if m != nil {
				mandatory = append(mandatory, m)
			}
			fileRecommended = fr
		}
	}
	return mandatory, recommended, sources, problems
}

// readKey reads one policy key's values, and its Providers subkeys. A
// missing key is no source of problems.
func readKey(root registry.Key, path, where string) (*raw, Source, []Problem) {
	src := Source{Where: where}
	k, err := registry.OpenKey(root, path, registry.READ)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, src, nil
	}
	src.Found = true
	if err != nil {
		return nil, src, []Problem{{Source: where, Kind: Unreadable, Detail: err.Error()}}
	}
	defer k.Close()
	r := &raw{where: where}
	var probs []Problem
	r.values, probs = readValues(k, where)
	// Providers\<ID>: custom providers (Recommended is a subkey too, read
	// as a source of its own).
	if pk, err := registry.OpenKey(k, ProvidersKey, registry.READ); err == nil {
		ids, _ := pk.ReadSubKeyNames(-1)
		for _, id := range ids {
			ik, err := registry.OpenKey(pk, id, registry.READ)
			if err != nil {
				probs = append(probs, Problem{Source: where, Name: ProvidersKey + `\` + id, Kind: Unreadable, Detail: err.Error()})
				continue
			}
			vals, p := readValues(ik, where+`\`+ProvidersKey+`\`+id)
			ik.Close()
			probs = append(probs, p...)
			if r.providers == nil {
				r.providers = map[string]map[string]any{}
			}
			r.providers[id] = vals
		}
		pk.Close()
	}
	src.Values = r.count()
	return r, src, probs
}

// readValues reads every value of k by its type: strings (expanded),
// DWORDs and QWORDs, lists; anything else is a WrongType problem.
func readValues(k registry.Key, where string) (map[string]any, []Problem) {
	names, err := k.ReadValueNames(-1)
	if err != nil {
		return nil, []Problem{{Source: where, Kind: Unreadable, Detail: err.Error()}}
	}
	vals := map[string]any{}
	var probs []Problem
	for _, name := range names {
		if name == "" { // the key's default value: no policy
			continue
		}
		_, typ, err := k.GetValue(name, nil)
		if err != nil {
			probs = append(probs, Problem{Source: where, Name: name, Kind: Unreadable, Detail: err.Error()})
			continue
		}
		switch typ {
		case registry.SZ, registry.EXPAND_SZ:
			s, _, err := k.GetStringValue(name)
			if err == nil && typ == registry.EXPAND_SZ {
				s, err = registry.ExpandString(s)
			}
			if err != nil {
				probs = append(probs, Problem{Source: where, Name: name, Kind: Unreadable, Detail: err.Error()})
				continue
			}
			vals[name] = s
		case registry.DWORD, registry.QWORD:
			n, _, err := k.GetIntegerValue(name)
			if err != nil {
				probs = append(probs, Problem{Source: where, Name: name, Kind: Unreadable, Detail: err.Error()})
				continue
			}
			vals[name] = n
		case registry.MULTI_SZ:
			l, _, err := k.GetStringsValue(name)
			if err != nil {
				probs = append(probs, Problem{Source: where, Name: name, Kind: Unreadable, Detail: err.Error()})
				continue
			}
			vals[name] = l
		default:
			// Binary and the like: no policy has that type; the decoder
			// says which type it wants.
			vals[name] = binaryValue{}
		}
	}
	return vals, probs
}

// binaryValue stands for a value of a type no policy has.
type binaryValue struct{}
