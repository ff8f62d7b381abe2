package store

import (
	"encoding/json"
	"fmt"
)

// Providers returns the stored provider settings by provider ID.
func (s *Store) Providers() (map[string]json.RawMessage, error) {
	md, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	return md.Providers, nil
}

// Settings returns the stored preferences (nil when none were saved).
func (s *Store) Settings() (json.RawMessage, error) {
	md, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	return md.Settings, nil
}

// PutSettings stores the preferences.
func (tx *Tx) PutSettings(settings json.RawMessage) error {
	md, err := tx.s.readIndex()
	if err != nil {
		return err
	}
	md.Settings = settings
	return tx.s.write(md)
}

// PutProvider stores settings for a provider ID (nil deletes them).
func (tx *Tx) PutProvider(id string, settings json.RawMessage) error {
	if !validName(id) {
		return fmt.Errorf("provider ID %q: want letters, digits, '-', '_' or '.'", id)
	}
	md, err := tx.s.readIndex()
	if err != nil {
		return err
	}
	if settings == nil {
		delete(md.Providers, id)
	} else {
		if md.Providers == nil {
			md.Providers = map[string]json.RawMessage{}
		}
		md.Providers[id] = settings
	}
	return tx.s.write(md)
}
