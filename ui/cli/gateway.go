package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/gateway"
	"github.com/tokentray/tokentray/ui/words"
)

// cmdGateway: tokentray gateway on|off|status|key|allow|run.
func cmdGateway(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return badUsage(words.L("gateway takes on, off, status, key, allow or run"))
	}
	switch args[0] {
	case "on", "off":
		return gatewaySwitch(ctx, e, args[0] == "on", args[1:])
	case "status":
		return gatewayStatus(ctx, e, args[1:])
	case "key":
		return gatewayKey(ctx, e, args[1:])
	case "allow":
		return gatewayAllow(ctx, e, args[1:])
	case "run":
		return gatewayRun(ctx, e, args[1:])
	}
	return badUsage(words.L("unknown gateway command “{{.Command}}”: want on, off, status, key, allow or run", map[string]any{"Command": args[0]}))
}

// gatewaySwitch turns the desktop app's gateway on or off.
func gatewaySwitch(ctx context.Context, e *env, on bool, args []string) error {
	name := "gateway off"
	if on {
		name = "gateway on"
	}
	if err := noArgs(e.flags(name), args); err != nil {
		return err
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	if err := app.SetGateway(ctx, on); err != nil {
		return err
	}
	if !on {
		fmt.Fprintln(e.Out, words.L("The gateway is off: Tokentray stops serving it within a few seconds."))
		return nil
	}
	if _, err := app.GatewayKey(ctx); err != nil { // made now, so that it can be copied at once
		return err
	}
	fmt.Fprintln(e.Out, words.L("The gateway is on: while Tokentray runs, tools reach your accounts at {{.Address}}/ACCOUNT/… with the gateway key (tokentray gateway key).",
		map[string]any{"Address": gatewayAddress(app)}))
	return nil
}

// gatewayAddress is the gateway's address as set, or as it will be.
func gatewayAddress(app *accounts.App) string {
	port := gateway.DefaultPort
	if s, err := app.Settings(); err == nil && s.Gateway.Port != 0 {
		port = s.Gateway.Port
	}
	return accounts.GatewayAddress(port)
}

// gatewayStatusJSON is gateway status --json.
type gatewayStatusJSON struct {
	On      bool   `json:"on"`
	Address string `json:"address"`
	Serving bool   `json:"serving"`
}

// gatewayStatus says whether the gateway is on, where, and whether
// something answers there as the gateway does.
func gatewayStatus(ctx context.Context, e *env, args []string) error {
	fs := e.flags("gateway status")
	asJSON := fs.Bool("json", false, words.Mark("print JSON"))
	if err := noArgs(fs, args); err != nil {
		return err
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	s, err := app.Settings()
	if err != nil {
		return err
	}
	st := gatewayStatusJSON{On: s.Gateway.On, Address: gatewayAddress(app)}
	st.Serving = gatewayAnswers(ctx, st.Address)
	if *asJSON {
		return json.NewEncoder(e.Out).Encode(st)
	}
	switch {
	case st.Serving:
		fmt.Fprintln(e.Out, words.L("The gateway serves at {{.Address}}.", map[string]any{"Address": st.Address}))
	case st.On:
		fmt.Fprintln(e.Out, words.L("The gateway is on, and serves at {{.Address}} while Tokentray runs (it is not running now).", map[string]any{"Address": st.Address}))
	default:
		fmt.Fprintln(e.Out, words.L("The gateway is off (tokentray gateway on turns it on)."))
	}
	return nil
}

// gatewayAnswers says whether a gateway answers at address: a request
// without the key gets the gateway's own refusal.
func gatewayAnswers(ctx context.Context, address string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, address+"/", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var b struct {
		Error struct{ Code string } `json:"error"`
	}
	return resp.StatusCode == http.StatusUnauthorized && json.NewDecoder(resp.Body).Decode(&b) == nil && b.Error.Code == "no_key"
}

// gatewayKey prints the gateway key (asked for: the one secret this
// command prints), or makes a new one.
func gatewayKey(ctx context.Context, e *env, args []string) error {
	fs := e.flags("gateway key")
	renew := fs.Bool("new", false, words.Mark("make a new key: tools given the old one are refused from now on"))
	if err := noArgs(fs, args); err != nil {
		return err
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	var key string
	if *renew {
		key, err = app.NewGatewayKey(ctx)
	} else {
		key, err = app.GatewayKey(ctx)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.Out, key)
	return err
}

// gatewayAllow sets what the gateway may do for one account.
func gatewayAllow(ctx context.Context, e *env, args []string) error {
	fs := e.flags("gateway allow")
	changes := fs.String("changes", "", words.Mark("on or off: changes (POST, PUT, PATCH, DELETE) through the gateway"))
	wrapper := fs.String("wrapper", "", words.Mark("on or off: send the account's credentials, refresh token included, to its Claude wrapper"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badUsage(words.L("gateway allow takes one account name"))
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	acct, err := app.Find(pos[0])
	if err != nil {
		return err
	}
	ch, wr := accounts.GatewayAllows(acct)
	for _, o := range []struct {
		flag, value string
		to          *bool
	}{{"--changes", *changes, &ch}, {"--wrapper", *wrapper, &wr}} {
		switch o.value {
		case "":
		case "on":
			*o.to = true
		case "off":
			*o.to = false
		default:
			return badUsage(words.L("{{.Flag}} takes on or off", map[string]any{"Flag": o.flag}))
		}
	}
	if err := app.GatewayAllow(ctx, acct.ID, ch, wr); err != nil {
		return err
	}
	onOff := func(b bool) string {
		if b {
			return words.L("yes")
		}
		return words.L("no")
	}
	fmt.Fprintln(e.Out, words.L("{{.Name}} — changes through the gateway allowed: {{.Changes}}; sign-in sent to the Claude wrapper: {{.Wrapper}}.",
		map[string]any{"Name": acct.Name, "Changes": onOff(ch), "Wrapper": onOff(wr)}))
	return nil
}

// gatewayRun serves the gateway in the foreground, without the desktop
// app, until Ctrl+C or SIGTERM: for a machine with no desktop. Its port is
// the gateway's (8765 the first time); when that is taken it says so and
// stops, rather than move the desktop app's address.
func gatewayRun(ctx context.Context, e *env, args []string) error {
	fs := e.flags("gateway run")
	port := fs.Int("port", 0, words.Mark("serve on this port (default: the gateway's, 8765 the first time)"))
	if err := noArgs(fs, args); err != nil {
		return err
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
	defer stop()
	var lns []net.Listener
	if *port != 0 {
		lns, err = gateway.Listen(ctx, *port)
		if err != nil {
			err = &accounts.PortBusyError{Port: *port, Err: err}
		}
	} else {
		lns, *port, err = app.ListenGateway(ctx, false)
	}
	if err != nil {
		var busy *accounts.PortBusyError
		if errors.As(err, &busy) {
			return errors.New(words.L("Port {{.Port}}, the gateway's, is in use: is the Tokentray app serving the gateway already? (tokentray gateway status)",
				map[string]any{"Port": busy.Port}))
		}
		return err
	}
	app.StartKeeper()
	fmt.Fprintln(e.ErrOut, words.L("Tokentray's gateway serves at {{.Address}} (Ctrl+C stops it).", map[string]any{"Address": accounts.GatewayAddress(*port)}))
	log := slog.New(slog.NewTextHandler(e.ErrOut, nil))
	return app.ServeGateway(ctx, lns, log)
}
