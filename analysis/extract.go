// This file defines tree-sitter extraction of object definitions (placeholder signatures; owner: extraction).
package analysis

// ExtractDefinition parses one object file and returns its compact summary.
// The language follows the extension (.tsx/.jsx use the TSX grammar).
func ExtractDefinition(path string, src []byte) *Definition {
	return &Definition{Path: path, Fields: map[string]*Field{}}
}

// ExtractRoute returns the references a non-object file makes to durable
// objects, or nil when it does not import the bindings module.
func ExtractRoute(path string, src []byte) *RouteFile { return nil }

// ReadConfig statically reads cloudwerk.config.{ts,js,mjs} under root
// (defaults when there is none).
func ReadConfig(root string) Config {
	return Config{Root: root, AppDir: "app", Extensions: []string{".ts", ".tsx"}}
}
