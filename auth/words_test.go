package auth_test

// auth's tests run with ui/words linked in, as the programs that use auth
// do: it gives auth the words it asks for (auth.Words), which some tests
// read — the loopback pages of a Connect with no Wording, in English, and
// auth.Message. The words themselves are tested in ui/words.
import _ "github.com/tokentray/tokentray/ui/words"
