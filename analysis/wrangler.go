// This file defines the wrangler configuration model (placeholder until the wrangler reader lands).
package analysis

// WranglerConfig is the wrangler file an app deploys with.
type WranglerConfig struct {
	Path string
}
