// This file defines the wrangler configuration model (placeholder until the wrangler reader lands; owner: wrangler).
package analysis

// WranglerConfig is the wrangler file an app deploys with.
type WranglerConfig struct {
	Path string
}

// LoadWrangler finds and reads the wrangler file wrangler would use for the app
// at appRoot (searching upwards); nil when there is none.
func LoadWrangler(appRoot string) *WranglerConfig { return nil }
