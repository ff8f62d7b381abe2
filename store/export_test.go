package store

// WithKeyring returns opts using k instead of the OS keyring: only for the
// error paths a real keyring cannot produce on cue.
func WithKeyring(opts Options, k keyringAPI) Options {
	opts.keyring = k
	return opts
}
