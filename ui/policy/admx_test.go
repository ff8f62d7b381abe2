package policy_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/policy"
)

// The administrative templates (assets/windows/policy) that IT loads into
// Group Policy or Intune: Tokentray.admx, and a Tokentray.adml per
// language.
const templates = "../../assets/windows/policy"

var admlLanguages = []string{"en-US", "fr-FR", "de-DE", "es-ES"}

// admxKey is the policy key as the template names it, under HKLM and HKCU
// (policy.KeyPath, which only Windows builds have; keys are compared
// without regard to case, as the registry does).
const admxKey = `Software\Policies\Tokentray`

// admxCustomID is the ID of the one custom provider the template sets.
const admxCustomID = "custom"

// The ADMX schema, as far as the test reads it.
type admxFile struct {
	Target struct {
		Prefix    string `xml:"prefix,attr"`
		Namespace string `xml:"namespace,attr"`
	} `xml:"policyNamespaces>target"`
	SupportedOn []struct {
		Name string `xml:"name,attr"`
	} `xml:"supportedOn>definitions>definition"`
	Categories []struct {
		Name   string   `xml:"name,attr"`
		Parent *admxRef `xml:"parentCategory"`
	} `xml:"categories>category"`
	Policies []admxPolicy `xml:"policies>policy"`
}

type admxRef struct {
	Ref string `xml:"ref,attr"`
}

type admxPolicy struct {
	Name         string         `xml:"name,attr"`
	Class        string         `xml:"class,attr"`
	Key          string         `xml:"key,attr"`
	ValueName    string         `xml:"valueName,attr"`
	Presentation string         `xml:"presentation,attr"`
	Parent       *admxRef       `xml:"parentCategory"`
	SupportedOn  *admxRef       `xml:"supportedOn"`
	Enabled      *admxValue     `xml:"enabledValue"`
	Disabled     *admxValue     `xml:"disabledValue"`
	EnabledList  []admxListItem `xml:"enabledList>item"`
	DisabledList []admxListItem `xml:"disabledList>item"`
	Elements     struct {
		All []admxElement `xml:",any"`
	} `xml:"elements"`
}

type admxListItem struct {
	Key       string    `xml:"key,attr"`
	ValueName string    `xml:"valueName,attr"`
	Value     admxValue `xml:"value"`
}

// admxElement is any of text, decimal, enum, boolean, list, multiText.
type admxElement struct {
	XMLName     xml.Name
	ID          string `xml:"id,attr"`
	Key         string `xml:"key,attr"`
	ValueName   string `xml:"valueName,attr"`
	MinValue    string `xml:"minValue,attr"`
	MaxValue    string `xml:"maxValue,attr"`
	StoreAsText string `xml:"storeAsText,attr"`
	Items       []struct {
		Value admxValue `xml:"value"`
	} `xml:"item"`
	True  *admxValue `xml:"trueValue"`
	False *admxValue `xml:"falseValue"`
}

// admxValue is a value element: decimal, string or delete.
type admxValue struct {
	Decimal *struct {
		Value string `xml:"value,attr"`
	} `xml:"decimal"`
	String *string   `xml:"string"`
	Delete *struct{} `xml:"delete"`
}

func (v *admxValue) isDecimal(n string) bool {
	return v != nil && v.Decimal != nil && v.Decimal.Value == n && v.String == nil && v.Delete == nil
}

// The ADML schema, as far as the test reads it.
type admlFile struct {
	Strings []struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"resources>stringTable>string"`
	Presentations []struct {
		ID       string `xml:"id,attr"`
		Controls []struct {
			XMLName xml.Name
			RefID   string `xml:"refId,attr"`
		} `xml:",any"`
	} `xml:"resources>presentationTable>presentation"`
}

// parseXML reads path, checks that it is well-formed XML with one root
// element, and decodes it into v.
func parseXML(t *testing.T, path string, v any) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				t.Fatalf("%s: text outside the root element: %q", path, tok)
			}
		}
	}
	if roots != 1 {
		t.Fatalf("%s: %d root elements, want 1", path, roots)
	}
	if err := xml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return data
}

// admxWrite is one registry value the ADMX writes.
type admxWrite struct {
	policy, key, value string
	class              string
	// kind is the policy.Kind the written value can be read as, or -1
	// with why saying why none.
	kind policy.Kind
	why  string
	el   *admxElement
}

// writes lists every value p writes: its own valueName (with
// enabledValue/disabledValue), its elements', and its lists' items.
func writes(p admxPolicy) []admxWrite {
	var out []admxWrite
	w := func(key, value string) admxWrite {
		if key == "" {
			key = p.Key
		}
		return admxWrite{policy: p.Name, key: key, value: value, class: p.Class, kind: -1}
	}
	if p.ValueName != "" {
		x := w("", p.ValueName)
		if p.Enabled.isDecimal("1") && p.Disabled.isDecimal("0") {
			x.kind = policy.Bool
		} else {
			x.why = "a policy's own value must be enabledValue decimal 1 and disabledValue decimal 0"
		}
		out = append(out, x)
	}
	for i := range p.Elements.All {
		e := &p.Elements.All[i]
		x := w(e.Key, e.ValueName)
		x.el = e
		switch e.XMLName.Local {
		case "text":
			x.kind = policy.String // or List: a REG_SZ of IDs separated by commas
		case "decimal":
			if e.StoreAsText == "true" {
				x.why = "a decimal stored as text is a REG_SZ"
			} else {
				x.kind = policy.Number
			}
		case "boolean":
			if (e.True == nil || e.True.isDecimal("1")) && (e.False == nil || e.False.isDecimal("0")) {
				x.kind = policy.Bool
			} else {
				x.why = "a boolean must write decimal 1 and 0"
			}
		case "enum":
			x.kind = policy.String
			for _, it := range e.Items {
				if it.Value.String == nil || it.Value.Decimal != nil || it.Value.Delete != nil {
					x.kind, x.why = -1, "an enum's items must all be strings"
				}
			}
			if len(e.Items) == 0 {
				x.kind, x.why = -1, "an enum without items"
			}
		default:
			// list and multiText write values of names or types the
			// code does not read (a list: one value per entry).
			x.why = "a " + e.XMLName.Local + " element, which writes no value the code reads"
		}
		out = append(out, x)
	}
	for _, items := range [][]admxListItem{p.EnabledList, p.DisabledList} {
		for _, it := range items {
			x := w(it.Key, it.ValueName)
			x.why = "an enabledList or disabledList item (write values with elements)"
			out = append(out, x)
		}
	}
	return out
}

func normKey(k string) string { return strings.ToLower(strings.Trim(k, `\`)) }

// expected is every value the code reads, by key (normKey) and name; keys
// maps normKey's keys back to how they are written.
func expected() (want map[string]map[string]policy.Kind, keys map[string]string) {
	keys = map[string]string{}
	key := func(k string) string { keys[normKey(k)] = k; return normKey(k) }
	mandatory := key(admxKey)
	recommended := key(admxKey + `\` + policy.RecommendedKey)
	custom := key(admxKey + `\` + policy.ProvidersKey + `\` + admxCustomID)
	want = map[string]map[string]policy.Kind{mandatory: {}, recommended: {}, custom: {}}
	for _, v := range policy.Values {
		if v.Provider {
			want[custom][v.Name] = v.Kind
			continue
		}
		want[mandatory][v.Name] = v.Kind
		// Who manages Tokentray, which providers are offered, adding them
		// and the gateway are no defaults a user may change
		// (policy.NotRecommended); custom providers are mandatory only.
		if policy.Recommendable(v) {
			want[recommended][v.Name] = v.Kind
		}
	}
	return want, keys
}

// compatible reports whether a value written as kind is read as want.
func compatible(kind, want policy.Kind) bool {
	if want == policy.List {
		return kind == policy.String // a text element: IDs separated by commas
	}
	return kind == want
}

// TestADMXValues checks that the ADMX writes exactly the values the code
// reads (policy.Values), each with a type the code takes.
func TestADMXValues(t *testing.T) {
	var f admxFile
	parseXML(t, filepath.Join(templates, "Tokentray.admx"), &f)
	if len(f.Policies) == 0 {
		t.Fatal("the ADMX defines no policy")
	}
	want, keys := expected()
	type at struct{ key, value string }
	written := map[at]admxWrite{}
	for _, p := range f.Policies {
		for _, x := range writes(p) {
			where := fmt.Sprintf("policy %s writes %s\\%s", x.policy, x.key, x.value)
			if x.value == "" {
				t.Errorf("policy %s: an element without valueName", x.policy)
				continue
			}
			if prev, dup := written[at{normKey(x.key), x.value}]; dup {
				t.Errorf("%s, as policy %s does: one value, two policies", where, prev.policy)
			}
			written[at{normKey(x.key), x.value}] = x
			kind, read := want[normKey(x.key)][x.value]
			switch {
			case !read:
				t.Errorf("%s, which the code does not read (policy.Values, spelled as there, at %s, its %s or %s\\%s)",
					where, admxKey, policy.RecommendedKey, policy.ProvidersKey, admxCustomID)
			case x.kind < 0:
				t.Errorf("%s: %s", where, x.why)
			case !compatible(x.kind, kind):
				t.Errorf("%s as a %s; the code reads a %s", where, x.kind, kind)
			}
			if x.el == nil {
				continue
			}
			switch x.value {
			case policy.ClioRegion:
				var codes, got []string
				for _, r := range auth.ClioRegions() {
					codes = append(codes, r.Code)
				}
				for _, it := range x.el.Items {
					if it.Value.String != nil {
						got = append(got, *it.Value.String)
					}
				}
				if !slices.Equal(got, codes) {
					t.Errorf("%s with the choices %q; Clio's regions are %q", where, got, codes)
				}
			case policy.ClearClipboardSeconds:
				// ui/policy takes 1 second to a day.
				if x.el.MinValue != "1" || x.el.MaxValue != "86400" {
					t.Errorf("%s from %q to %q; the code takes 1 to 86400", where, x.el.MinValue, x.el.MaxValue)
				}
			}
		}
	}
	for key, names := range want {
		for name, kind := range names {
			if _, ok := written[at{key, name}]; !ok {
				t.Errorf("no policy writes %s\\%s (a %s the code reads)", keys[key], name, kind)
			}
		}
	}
}

// TestADMXStructure checks what Group Policy needs to load the ADMX: its
// names unique, its categories and support definitions found, its
// policies under the policy key for computers and users alike.
func TestADMXStructure(t *testing.T) {
	var f admxFile
	parseXML(t, filepath.Join(templates, "Tokentray.admx"), &f)
	local := func(ref string) string { return strings.TrimPrefix(ref, f.Target.Prefix+":") }
	if f.Target.Prefix == "" || f.Target.Namespace == "" {
		t.Error("the ADMX names no target namespace")
	}
	supported := map[string]bool{}
	for _, s := range f.SupportedOn {
		supported[s.Name] = true
	}
	cats := map[string]bool{}
	for _, c := range f.Categories {
		if cats[c.Name] {
			t.Errorf("category %s is defined twice", c.Name)
		}
		cats[c.Name] = true
	}
	for _, c := range f.Categories {
		if c.Parent != nil && !cats[local(c.Parent.Ref)] {
			t.Errorf("category %s: parent %s is not defined", c.Name, c.Parent.Ref)
		}
	}
	names := map[string]bool{}
	for _, p := range f.Policies {
		if names[p.Name] {
			t.Errorf("policy %s is defined twice", p.Name)
		}
		names[p.Name] = true
		if p.Class != "Both" {
			t.Errorf("policy %s: class %q; the code reads HKLM and HKCU (Both)", p.Name, p.Class)
		}
		if p.Parent == nil || !cats[local(p.Parent.Ref)] {
			t.Errorf("policy %s: no category of the ADMX", p.Name)
		}
		if p.SupportedOn == nil || !supported[local(p.SupportedOn.Ref)] {
			t.Errorf("policy %s: supportedOn is not one of the ADMX's definitions", p.Name)
		}
		if !strings.HasPrefix(normKey(p.Key), normKey(admxKey)) {
			t.Errorf("policy %s: key %s is not under %s", p.Name, p.Key, admxKey)
		}
		if len(p.Elements.All) > 0 && p.Presentation == "" {
			t.Errorf("policy %s has elements but no presentation", p.Name)
		}
		ids := map[string]bool{}
		for _, e := range p.Elements.All {
			if e.ID == "" || ids[e.ID] {
				t.Errorf("policy %s: element id %q is empty or not unique", p.Name, e.ID)
			}
			ids[e.ID] = true
		}
	}
}

var admxRefPattern = regexp.MustCompile(`\$\((string|presentation)\.([^)]*)\)`)

// TestADMXStrings checks that each ADML defines every string and
// presentation the ADMX names, the same ones in every language, that each
// presentation shows exactly its policy's elements, and that the other
// languages are translated.
func TestADMXStrings(t *testing.T) {
	var f admxFile
	admx := parseXML(t, filepath.Join(templates, "Tokentray.admx"), &f)
	used := map[string]map[string]bool{"string": {}, "presentation": {}}
	for _, m := range admxRefPattern.FindAllSubmatch(admx, -1) {
		used[string(m[1])][string(m[2])] = true
	}
	if len(used["string"]) == 0 {
		t.Fatal("the ADMX names no string")
	}
	// The element ids a presentation must show, by presentation id.
	refIDs := map[string][]string{}
	for _, p := range f.Policies {
		var ids []string
		for _, e := range p.Elements.All {
			ids = append(ids, e.ID)
		}
		sort.Strings(ids)
		pres := strings.TrimSuffix(strings.TrimPrefix(p.Presentation, "$(presentation."), ")")
		if pres == "" {
			continue
		}
		if prev, ok := refIDs[pres]; ok && !slices.Equal(prev, ids) {
			t.Errorf("policy %s shares presentation %s with a policy of other elements (%q, %q)", p.Name, pres, prev, ids)
		}
		refIDs[pres] = ids
	}

	var english map[string]string
	var englishIDs []string
	for _, lang := range admlLanguages {
		path := filepath.Join(templates, lang, "Tokentray.adml")
		var l admlFile
		parseXML(t, path, &l)
		defined := map[string]map[string]bool{"string": {}, "presentation": {}}
		text := map[string]string{}
		for _, s := range l.Strings {
			if defined["string"][s.ID] {
				t.Errorf("%s: string %s is defined twice", path, s.ID)
			}
			defined["string"][s.ID] = true
			text[s.ID] = s.Text
			if strings.TrimSpace(s.Text) == "" {
				t.Errorf("%s: string %s is empty", path, s.ID)
			}
		}
		for _, p := range l.Presentations {
			if defined["presentation"][p.ID] {
				t.Errorf("%s: presentation %s is defined twice", path, p.ID)
			}
			defined["presentation"][p.ID] = true
			var ids []string
			for _, c := range p.Controls {
				if c.RefID != "" {
					ids = append(ids, c.RefID)
				}
			}
			sort.Strings(ids)
			if want, ok := refIDs[p.ID]; ok && !slices.Equal(ids, want) {
				t.Errorf("%s: presentation %s shows %q; its policy's elements are %q", path, p.ID, ids, want)
			}
		}
		var ids []string
		for _, kind := range []string{"string", "presentation"} {
			for id := range used[kind] {
				if !defined[kind][id] {
					t.Errorf("%s: the ADMX names $(%s.%s), which is not defined", path, kind, id)
				}
			}
			for id := range defined[kind] {
				if !used[kind][id] {
					t.Errorf("%s: %s %s is defined but the ADMX does not use it", path, kind, id)
				}
				ids = append(ids, kind+"."+id)
			}
		}
		sort.Strings(ids)
		if english == nil {
			english, englishIDs = text, ids
			continue
		}
		for _, id := range englishIDs {
			if !slices.Contains(ids, id) {
				t.Errorf("%s does not define %s, which en-US does", path, id)
			}
		}
		for _, id := range ids {
			if !slices.Contains(englishIDs, id) {
				t.Errorf("%s defines %s, which en-US does not", path, id)
			}
		}
		// Names (Tokentray, Canada, Europe) are the same in every
		// language; most strings are not.
		same := 0
		for id, s := range text {
			if s == english[id] {
				same++
			}
		}
		if same*4 > len(text) {
			t.Errorf("%s: %d of its %d strings are the English ones: not translated", path, same, len(text))
		}
	}
}
