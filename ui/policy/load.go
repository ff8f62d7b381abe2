package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Load reads every policy source of this system (see the package comment),
// mandatory values of a higher source first. It never fails: what cannot
// be used is in Problems.
func Load() *Policy {
	mandatory, recommended, sources, problems := readSources()
	return merge(mandatory, recommended, sources, problems)
}

// LoadFile reads the policy file at path alone, as Load reads the file on
// Linux: for tests on every system.
func LoadFile(path string) *Policy { return merge(fileSources(path)) }

// fileSources is the policy file at path as sources for merge.
func fileSources(path string) (mandatory, recommended []*raw, sources []Source, problems []Problem) {
	m, r, src, probs := readFile(path)
	if m != nil {
		mandatory = append(mandatory, m)
	}
	if r != nil {
		recommended = append(recommended, r)
	}
	return mandatory, recommended, []Source{src}, probs
}

// merge decodes and merges the sources' values, higher sources first.
func merge(mandatory, recommended []*raw, sources []Source, problems []Problem) *Policy {
	p := &Policy{Sources: sources, Problems: problems}
	for _, r := range mandatory {
		s, by, _, probs := decode(r)
		p.Mandatory.merge(s)
		if p.ManagedBy == "" {
			p.ManagedBy = by
		}
		p.Problems = append(p.Problems, probs...)
	}
	for _, r := range recommended {
		s, by, file, probs := decode(r)
		p.Recommended.merge(s)
		// Values no user may change are not defaults (Recommendable).
		for _, v := range []struct {
			name string
			set  bool
		}{{ManagedBy, by != ""}, {AllowedProviders, s.AllowedProviders != nil},
			{AllowCustomProviders, s.AllowCustomProviders != nil}, {GatewayAllowed, s.GatewayAllowed != nil},
			{PolicyFile, file != ""}} {
			if v.set {
				probs = append(probs, Problem{Source: r.where, Name: v.name, Kind: NotRecommended})
			}
		}
		s.AllowedProviders, s.AllowCustomProviders, s.GatewayAllowed = nil, nil, nil
		for id := range s.Providers {
			// Custom providers are the firm's: mandatory only.
			probs = append(probs, Problem{Source: r.where, Name: ProvidersKey + `\` + id, Kind: NotRecommended})
		}
		s.Providers = nil
		p.Problems = append(p.Problems, probs...)
	}
	return p
}

// FileEnv names a policy file to read instead of DefaultFile.
const FileEnv = "TOKENTRAY_POLICY_FILE"

// DefaultFile is where policy is read on Linux (and other systems without
// a registry).
const DefaultFile = "/etc/tokentray/policy.json"

// namedFile reads the policy file that the PolicyFile value of the key at
// where names, as readFile does; that file missing is a problem, as
// policy names it.
func namedFile(path, where string) (mandatory, recommended *raw, src Source, problems []Problem) {
	mandatory, recommended, src, problems = readFile(path)
	if !src.Found {
		problems = append(problems, Problem{Source: path, Name: PolicyFile, Kind: NotFound, Detail: where})
	}
	return mandatory, recommended, src, problems
}

// maxFile bounds what is read of a policy file.
const maxFile = 1 << 20

// readFile reads a policy file: its top level mandatory, its Recommended
// object recommended. A missing file is no source of problems.
func readFile(path string) (mandatory, recommended *raw, src Source, problems []Problem) {
	src = Source{Where: path}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, src, nil
	}
	src.Found = true
	if err != nil {
		return nil, nil, src, []Problem{{Source: path, Kind: Unreadable, Detail: plainErr(err)}}
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxFile+1)); err != nil {
		return nil, nil, src, []Problem{{Source: path, Kind: Unreadable, Detail: plainErr(err)}}
	}
	if buf.Len() > maxFile {
		return nil, nil, src, []Problem{{Source: path, Kind: Unreadable, Detail: "larger than 1 MB"}}
	}
	var top map[string]any
	if err := json.Unmarshal(buf.Bytes(), &top); err != nil {
		return nil, nil, src, []Problem{{Source: path, Kind: Syntax, Detail: syntaxWhere(buf.Bytes(), err)}}
	}
	if top == nil {
		return nil, nil, src, []Problem{{Source: path, Kind: Syntax, Detail: "not an object"}}
	}
	var probs []Problem
	mandatory = fromJSON(path, top, true, &probs)
	src.Values = mandatory.count()
	return mandatory, mandatory.recommended, src, probs
}

// fromJSON sorts a JSON object's members into a raw: values, Providers,
// and (at the top) Recommended.
func fromJSON(where string, obj map[string]any, top bool, probs *[]Problem) *raw {
	r := &raw{where: where, values: map[string]any{}, file: true}
	for name, v := range obj {
		switch {
		case strings.EqualFold(name, ProvidersKey):
			m, ok := v.(map[string]any)
			if !ok {
				*probs = append(*probs, Problem{Source: where, Name: name, Kind: WrongType, Detail: "object"})
				continue
			}
			r.providers = map[string]map[string]any{}
			for id, pv := range m {
				pm, ok := pv.(map[string]any)
				if !ok {
					*probs = append(*probs, Problem{Source: where, Name: name + `\` + id, Kind: WrongType, Detail: "object"})
					continue
				}
				r.providers[id] = pm
			}
		case top && strings.EqualFold(name, RecommendedKey):
			m, ok := v.(map[string]any)
			if !ok {
				*probs = append(*probs, Problem{Source: where, Name: name, Kind: WrongType, Detail: "object"})
				continue
			}
			r.recommended = fromJSON(where+" ("+RecommendedKey+")", m, false, probs)
		default:
			r.values[name] = v
		}
	}
	return r
}

// syntaxWhere says where JSON stopped parsing, as a line and column.
func syntaxWhere(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		return "not an object"
	}
	if off < 0 || off > int64(len(data)) {
		return "unexpected end"
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n') - 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

// plainErr is an I/O error's reason without the path (the problem names
// the source already).
func plainErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}
