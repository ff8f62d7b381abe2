package policy

import "github.com/tokentray/tokentray/ui/words"

// ProblemKind says why a policy value was not used.
type ProblemKind int

const (
	// Unreadable: the source exists but could not be read (Detail: the
	// system's reason); nothing in it applies.
	Unreadable ProblemKind = iota
	// Syntax: the file is not valid JSON (Detail: where); nothing in it
	// applies.
	Syntax
	// UnknownName: no policy has that name.
	UnknownName
	// WrongType: the value is not of its policy's type (Detail: the kind
	// wanted).
	WrongType
	// BadValue: the value is of the right type but cannot be used
	// (Detail: the value, unless it is a secret).
	BadValue
	// UnknownProvider: a provider ID in AllowedProviders names no
	// provider (Detail: the ID).
	UnknownProvider
	// BadProviderID: a custom provider's ID is a built-in provider's, or
	// not an ID the command line takes (Detail: the ID).
	BadProviderID
	// Incomplete: a provider is missing a value it needs (Detail: its
	// name); the provider is skipped.
	Incomplete
	// NotRecommended: the value may be set as mandatory only (ManagedBy,
	// custom providers), not in Recommended.
	NotRecommended
	// NotFound: the policy file a PolicyFile value names does not exist,
	// or its share cannot be reached (Source: the file; Detail: the key
	// that names it); nothing of it applies.
	NotFound
	// RegistryOnly: the value may be set in a registry policy key only,
	// not in a policy file (PolicyFile: a file cannot name another).
	RegistryOnly
)

// Problem is a policy value that was skipped, and why.
type Problem struct {
	// Source is the key or file; Name the value's name in it (a custom
	// provider's as Providers\ID\Name).
	Source, Name string
	Kind         ProblemKind
	Detail       string
}

// Message says the problem in the reader's language.
func (p Problem) Message() string {
	data := map[string]any{"Source": p.Source, "Name": p.Name, "Detail": p.Detail}
	switch p.Kind {
	case Unreadable:
		return words.L("{{.Source}} could not be read ({{.Detail}}): none of its settings apply.", data)
	case Syntax:
		return words.L("{{.Source}} is not valid JSON ({{.Detail}}): none of its settings apply.", data)
	case UnknownName:
		return words.L("{{.Source}}: {{.Name}} is not a Tokentray setting; it was skipped.", data)
	case WrongType:
		switch p.Detail {
		case "bool":
			return words.L("{{.Source}}: {{.Name}} must be 0 or 1 (true or false in JSON); it was skipped.", data)
		case "number":
			return words.L("{{.Source}}: {{.Name}} must be a whole number; it was skipped.", data)
		case "list":
			return words.L("{{.Source}}: {{.Name}} must be a list of provider IDs; it was skipped.", data)
		}
		return words.L("{{.Source}}: {{.Name}} must be text; it was skipped.", data)
	case BadValue:
		return words.L("{{.Source}}: {{.Name}} cannot be “{{.Detail}}”; it was skipped.", data)
	case UnknownProvider:
		return words.L("{{.Source}}: {{.Name}} names “{{.Detail}}”, which is not a provider; that name was skipped.", data)
	case BadProviderID:
		return words.L("{{.Source}}: “{{.Detail}}” cannot name a provider of your organization (a built-in provider has it, or it is not lowercase letters, digits, dots and dashes); it was skipped.", data)
	case NotRecommended:
		return words.L("{{.Source}}: {{.Name}} can only be set as mandatory, not recommended; it was skipped.", data)
	case Incomplete:
		return words.L("{{.Source}}: {{.Name}} needs {{.Detail}} as well; it was skipped.", data)
	case NotFound:
		return words.L("{{.Source}}, named by {{.Name}} in {{.Detail}}, was not found (or its share cannot be reached): none of its settings apply.", data)
	case RegistryOnly:
		return words.L("{{.Source}}: {{.Name}} can only be set in a policy key of the registry, not in a policy file; it was skipped.", data)
	}
	return words.L("{{.Source}}: {{.Name}} was skipped.", data)
}
