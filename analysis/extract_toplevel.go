// This file defines the scan of a module's top-level statements: imports,
// top-level bindings, the default export and exported type names. Only direct
// children of the program are visited, so it never recurses.

package analysis

// importBinding is what one local name was imported as.
type importBinding struct {
	module   string
	imported string // the exported name; "*" for a namespace import, "default" for a default import
	at       Range  // the module specifier's text inside its quotes
}

// topLevel is what a module declares at its top level.
type topLevel struct {
	imports map[string]importBinding // local name -> import
	values  map[string]*tnode        // const/let/var name -> initialiser (last wins)
	funcs   map[string]*tnode        // function declarations by name
	types   map[string]bool          // interface/type/class/enum names declared here

	defaultStmt  *tnode // the statement that makes the default export
	defaultValue *tnode // the exported expression (nil for `export default function/class`)
	defaultDecl  bool   // the default export is a function/class declaration

	exportedTypes []string
}

func (s *syntax) scanTopLevel(root *tnode) *topLevel {
	t := &topLevel{
		imports: map[string]importBinding{},
		values:  map[string]*tnode{},
		funcs:   map[string]*tnode{},
		types:   map[string]bool{},
	}
	var exportedNames []string // names exported by `export { A, B }`, resolved to types at the end
	seenType := map[string]bool{}
	addType := func(name string) {
		if name != "" && !seenType[name] {
			seenType[name] = true
			t.exportedTypes = append(t.exportedTypes, name)
		}
	}
	for _, stmt := range s.namedChildren(root) {
		switch s.kind(stmt) {
		case "import_statement":
			s.scanImport(stmt, t)
		case "lexical_declaration", "variable_declaration":
			s.scanDeclaration(stmt, t)
		case "function_declaration", "generator_function_declaration":
			if name := s.field(stmt, s.g.fName); name != nil {
				t.funcs[s.view(name)] = stmt
			}
		case "interface_declaration", "type_alias_declaration", "class_declaration",
			"abstract_class_declaration", "enum_declaration":
			if name := s.field(stmt, s.g.fName); name != nil {
				t.types[s.view(name)] = true
			}
		case "export_statement":
			exportedNames = append(exportedNames, s.scanExport(stmt, t, addType)...)
		}
	}
	for _, name := range exportedNames {
		if t.types[name] {
			addType(name)
		}
	}
	return t
}

func (s *syntax) scanImport(stmt *tnode, t *topLevel) {
	src := s.field(stmt, s.g.fSource)
	if src == nil || s.kind(src) != "string" {
		return
	}
	module := s.stringValue(src)
	at := s.stringContentRange(src)
	for _, part := range s.namedChildren(stmt) {
		if s.kind(part) != "import_clause" {
			continue
		}
		for _, c := range s.namedChildren(part) {
			switch s.kind(c) {
			case "identifier":
				t.imports[s.view(c)] = importBinding{module: module, imported: "default", at: at}
			case "namespace_import":
				if id := s.firstNamed(c); id != nil {
					t.imports[s.view(id)] = importBinding{module: module, imported: "*", at: at}
				}
			case "named_imports":
				for _, spec := range s.namedChildren(c) {
					if s.kind(spec) != "import_specifier" {
						continue
					}
					nameNode := s.field(spec, s.g.fName)
					if nameNode == nil {
						continue
					}
					imported := s.text(nameNode)
					if s.kind(nameNode) == "string" {
						imported = s.stringValue(nameNode)
					}
					local := imported
					if alias := s.field(spec, s.g.fAlias); alias != nil {
						local = s.view(alias)
					}
					t.imports[local] = importBinding{module: module, imported: imported, at: at}
				}
			}
		}
	}
}

func (s *syntax) scanDeclaration(stmt *tnode, t *topLevel) {
	for _, d := range s.namedChildren(stmt) {
		if s.kind(d) != "variable_declarator" {
			continue
		}
		name := s.field(d, s.g.fName)
		if name == nil || s.kind(name) != "identifier" {
			continue
		}
		t.values[s.view(name)] = s.field(d, s.g.fValue) // nil when uninitialised
	}
}

// scanExport records one export statement; it returns names exported through
// an export clause (`export { A }`), which may be types.
func (s *syntax) scanExport(stmt *tnode, t *topLevel, addType func(string)) []string {
	isDefault := false
	for c := s.firstChild(stmt); c != nil; c = s.nextSibling(c) {
		if !c.named() && s.kind(c) == "default" {
			isDefault = true
			break
		}
	}
	if decl := s.field(stmt, s.g.fDeclaration); decl != nil {
		name := s.field(decl, s.g.fName)
		switch s.kind(decl) {
		case "interface_declaration", "type_alias_declaration", "class_declaration",
			"abstract_class_declaration", "enum_declaration":
			if name != nil {
				t.types[s.view(name)] = true
				addType(s.text(name))
			}
		case "lexical_declaration", "variable_declaration":
			s.scanDeclaration(decl, t)
		case "function_declaration", "generator_function_declaration":
			if name != nil {
				t.funcs[s.view(name)] = decl
			}
		}
		if isDefault {
			t.defaultStmt, t.defaultValue, t.defaultDecl = stmt, nil, true
		}
		return nil
	}
	if isDefault {
		t.defaultStmt, t.defaultValue, t.defaultDecl = stmt, s.field(stmt, s.g.fValue), false
		if t.defaultValue == nil {
			// `export default class {}` / `export default function () {}` parse as
			// expressions without the value field in some grammar versions.
			for _, c := range s.namedChildren(stmt) {
				if s.kind(c) != "decorator" {
					t.defaultValue = c
				}
			}
		}
		return nil
	}
	var names []string
	for _, c := range s.namedChildren(stmt) {
		if s.kind(c) != "export_clause" {
			continue
		}
		fromModule := s.field(stmt, s.g.fSource) != nil
		for _, spec := range s.namedChildren(c) {
			if s.kind(spec) != "export_specifier" {
				continue
			}
			name := s.field(spec, s.g.fName)
			if name == nil {
				continue
			}
			alias := s.field(spec, s.g.fAlias)
			if alias != nil && s.view(alias) == "default" && !fromModule {
				// export { x as default }
				t.defaultStmt, t.defaultValue, t.defaultDecl = stmt, name, false
				continue
			}
			if !fromModule {
				names = append(names, s.text(name))
			}
		}
	}
	return names
}

// declares reports a top-level declaration (not an import) of name.
func (t *topLevel) declares(name string) bool {
	_, v := t.values[name]
	_, f := t.funcs[name]
	return v || f || t.types[name]
}

// resolveLocal follows an identifier to the initialiser of a top-level const
// (a few hops: `const a = b; const b = ...`). Anything else is returned as is.
func (s *syntax) resolveLocal(n *tnode, t *topLevel) *tnode {
	for i := 0; i < 4; i++ {
		n = s.unwrap(n)
		if n == nil || !isIdentifierKind(s.kind(n)) {
			return n
		}
		v, ok := t.values[s.view(n)]
		if !ok || v == nil {
			return n
		}
		n = v
	}
	return s.unwrap(n)
}

// resolveFunction returns the function an identifier names at top level
// (a function declaration or a const initialised with a function), or nil.
func (s *syntax) resolveFunction(n *tnode, t *topLevel) *tnode {
	n = s.unwrap(n)
	if n == nil || !isIdentifierKind(s.kind(n)) {
		return nil
	}
	if f, ok := t.funcs[s.view(n)]; ok {
		return f
	}
	v := s.resolveLocal(n, t)
	if v != nil && isFunctionKind(s.kind(v)) {
		return v
	}
	return nil
}

// isIdentifierKind reports a plain identifier or a shorthand property (`{ m }`
// names the binding m).
func isIdentifierKind(kind string) bool {
	return kind == "identifier" || kind == "shorthand_property_identifier"
}
