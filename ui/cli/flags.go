package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"time"

	"github.com/tokentray/tokentray/ui/words"
)

// flagSet is a command's flags, and where its help goes.
type flagSet struct {
	*flag.FlagSet
	out io.Writer
}

// flags makes a flag set whose errors are usage errors. The flag package's
// own words are English: it prints nothing itself; parse words its errors
// and options prints the help.
func (e *env) flags(name string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{fs, e.ErrOut}
}

// options prints the command's options, in the user's language. The
// flags' descriptions are marked (words.Mark) and translated only here: a
// command that says nothing reads no translations.
func (fs *flagSet) options() {
	fmt.Fprintln(fs.out, words.L("Options of tokentray {{.Command}}:", map[string]any{"Command": fs.Name()}))
	fs.VisitAll(func(f *flag.Flag) {
		shown := *f
		shown.Usage = words.L(f.Usage)
		kind, usage := flag.UnquoteUsage(&shown)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kindWord(kind)
		}
		if !zeroDefault(f) {
			usage += " " + words.L("(default: {{.Value}})", map[string]any{"Value": f.DefValue})
		}
		fmt.Fprintf(fs.out, "%s\n      %s\n", line, usage)
	})
}

// kindWord is what a flag takes, as flag.UnquoteUsage names it, in words;
// a name the description gives in `backquotes` stays as it is.
func kindWord(kind string) string {
	switch kind {
	case "string":
		return words.L("text")
	case "duration":
		return words.L("duration")
	case "int", "int64", "uint", "uint64", "float":
		return words.L("number")
	case "value":
		return words.L("value")
	}
	return kind
}

// zeroDefault says whether f's default is its type's zero value (then the
// help does not mention it), as the flag package decides it.
func zeroDefault(f *flag.Flag) bool {
	t := reflect.TypeOf(f.Value)
	if t.Kind() != reflect.Pointer {
		return f.DefValue == ""
	}
	zero, ok := reflect.New(t.Elem()).Interface().(flag.Value)
	return ok && zero.String() == f.DefValue
}

// parse parses args, allowing flags after the positional arguments
// ("token NAME --format json"), and returns the positional ones. Everything
// from a "--" on is returned as it is, "--" included. -h and --help print
// the options.
func parse(fs *flagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.options()
				return nil, usageError{flag.ErrHelp.Error()}
			}
			return nil, usageError{fs.explain(err)}
		}
		if args = fs.Args(); len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// The flag package's errors, as it words them.
var (
	unknownFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	needsValue  = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
	badValue    = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-+([^:]+): `)
	badSyntax   = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// explain words one of the flag package's errors in the user's language
// (as it is, if it is one this does not know).
func (fs *flagSet) explain(err error) string {
	msg := err.Error()
	if m := unknownFlag.FindStringSubmatch(msg); m != nil {
		return words.L("“tokentray {{.Command}}” has no option --{{.Flag}}.", map[string]any{"Command": fs.Name(), "Flag": m[1]})
	}
	if m := needsValue.FindStringSubmatch(msg); m != nil {
		return words.L("--{{.Flag}} needs a value.", map[string]any{"Flag": m[1]})
	}
	if m := badSyntax.FindStringSubmatch(msg); m != nil {
		return words.L("“{{.Arg}}” is not an option: write --OPTION or --OPTION=VALUE.", map[string]any{"Arg": m[1]})
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		value, err := strconv.Unquote(m[1]) // the flag package quotes it with %q
		if err != nil {
			value = m[1]
		}
		data := map[string]any{"Value": value, "Flag": m[2]}
		f := fs.Lookup(m[2])
		if f == nil {
			return words.L("“{{.Value}}” is not a value --{{.Flag}} takes.", data)
		}
		var v any
		if g, ok := f.Value.(flag.Getter); ok {
			v = g.Get()
		}
		switch v.(type) {
		case bool:
			return words.L("“{{.Value}}” is not a value --{{.Flag}} takes: give true or false.", data)
		case time.Duration:
			return words.L("“{{.Value}}” is not a value --{{.Flag}} takes: give a duration such as 90s, 10m or 2h.", data)
		case int, int64, uint, uint64:
			return words.L("“{{.Value}}” is not a value --{{.Flag}} takes: give a whole number.", data)
		}
		return words.L("“{{.Value}}” is not a value --{{.Flag}} takes.", data)
	}
	return msg
}

func noArgs(fs *flagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badUsage(words.L("unexpected argument “{{.Arg}}”", map[string]any{"Arg": pos[0]}))
	}
	return nil
}
