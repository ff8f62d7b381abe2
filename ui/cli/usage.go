package cli

import (
	"github.com/tokentray/tokentray/ui/words"
)

// usage is the help text, in the user's language; the commands and
// examples themselves are not translated.
func usage() string {
	return words.L("Tokentray keeps OAuth tokens fresh. Without arguments it starts the desktop app.") + `

` + words.L("Usage:") + `
  tokentray token NAME [--min-valid 5m] [--retry-for 15s] [--format raw|header|json]
  tokentray token NAME --format wrapper --include-refresh-token
  tokentray list [--json]
  tokentray status [--json]
  tokentray connect PROVIDER [--name NAME] [--region us|ca|eu|au] [--no-browser]
  tokentray disconnect NAME [--keep-remote]
  tokentray import anthropic [--file PATH | -] [--name NAME | --account NAME] [--no-link]
  tokentray provider list [--json]
  tokentray provider add ID (--issuer URL | --auth-url URL --token-url URL) --client-id ID
                         [--client-secret-stdin] [--client-auth basic|post] [--scopes "a b"]
                         [--redirect-port N | --redirect R] [--name NAME] [--api-base URL]
  tokentray provider set PROVIDER [--client-id ID] [--client-secret-stdin] [--base-url URL] [--token-url URL]
                         [--redirect R] [--api-base URL]
  tokentray provider import FILE.tokentray.json [--yes]
  tokentray doctor
  tokentray exec NAME [--env VAR] [--retry-for 15s] -- COMMAND [ARGS...]
  tokentray gateway on|off|status [--json]|run [--port N]
  tokentray gateway key [--new]
  tokentray gateway allow NAME [--changes on|off] [--wrapper on|off]
  tokentray --version

` + words.L("NAME is an account's name or ID (see tokentray list). PROVIDER is a provider ID (see tokentray provider list), or \"clio\" with --region.") + `

` + words.L("R, the redirect registered with the provider, is where sign-in comes back:") + `
  loopback                     ` + words.L("Tokentray on this computer (the preset's address; any free port unless it fixes one)") + `
  http://127.0.0.1:PORT/PATH   ` + words.L("a registered loopback address (also localhost or [::1]; no port: any free port)") + `
  approval                     ` + words.L("Clio's desktop approval page (Clio only)") + `
  https://…                    ` + words.L("a registered web page: after approving, paste the address your browser shows") + `

` + words.L("Examples:") + `
  curl -H "$(tokentray token "Demo User" --format header)" https://app.clio.com/api/v4/users/who_am_i
  tokentray exec clio -- ./sync-matters.sh
  tokentray provider set clientcasa --client-id abc123 --client-secret-stdin < secret.txt
  tokentray connect clio --region eu
  tokentray provider set clio-eu --redirect loopback
  tokentray provider set clientcasa --redirect https://crm.example.com/oauth/tokentray
  tokentray import anthropic --file ~/.claude/.credentials.json
  tokentray gateway on && curl -u ":$(tokentray gateway key)" http://127.0.0.1:8765/Work/api/v4/users/who_am_i

` + words.L("Environment:") + `
  TOKENTRAY_CONFIG_DIR   ` + words.L("where accounts are kept (default: your config folder)") + `
  TOKENTRAY_BROWSER      ` + words.L("program that opens the sign-in page (default: the system browser)") + `

` + words.L("Exit codes: 0 ok, 1 error, 2 usage, 3 reconnect needed, 4 keyring unavailable.") + "\n"
}
