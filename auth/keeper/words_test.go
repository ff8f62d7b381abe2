package keeper_test

// The keeper's tests run with ui/words linked in, as the programs that use
// the keeper do: it gives auth the words the keeper keeps as an account's
// last problem (auth.ExplainWords), which the tests read.
import _ "github.com/tokentray/tokentray/ui/words"
