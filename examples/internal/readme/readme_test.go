package readme

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// packages maps the names the README qualifies Go identifiers with to the
// package directory, relative to the repository root. vtsync is how the
// README imports package sync (the name would shadow the standard library).
var packages = map[string]string{
	"callstats":   "callstats",
	"canvas":      "canvas",
	"canvaslms":   "lms/canvaslms",
	"canvastest":  "canvas/canvastest",
	"lms":         "lms",
	"lmstest":     "lms/lmstest",
	"mapping":     "mapping",
	"memlms":      "lms/memlms",
	"moodle":      "moodle",
	"moodlelms":   "lms/moodlelms",
	"moodletest":  "moodle/moodletest",
	"record":      "vettrak/record",
	"schedule":    "sync/schedule",
	"store":       "sync/store",
	"transport":   "transport",
	"vettrak":     "vettrak",
	"vettraktest": "vettrak/vettraktest",
	"vtsync":      "sync",
}

// quoted finds pkg.Name and pkg.Type.Member inside one backtick span.
var quoted = regexp.MustCompile(`\b([a-z]+)\.([A-Z][A-Za-z0-9_]*)(?:\.([A-Z][A-Za-z0-9_]*))?`)

func TestREADMENamesExist(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	var text []byte
	for _, doc := range []string{"README.md", "examples/bench/README.md"} {
		b, err := os.ReadFile(filepath.Join(root, doc))
		require.NoError(t, err)
		text = append(text, b...)
	}

	names := map[string]*exported{}
	var missing []string
	for _, span := range regexp.MustCompile("`[^`\n]+`").FindAllString(string(text), -1) {
		for _, m := range quoted.FindAllStringSubmatch(span, -1) {
			dir, ok := packages[m[1]]
			if !ok {
				continue // not one of ours: http.Client, slog.Logger, …
			}
			if names[dir] == nil {
				names[dir] = exportedIn(t, filepath.Join(root, dir))
			}
			if !names[dir].has(m[2], m[3]) {
				missing = append(missing, strings.TrimSuffix(m[0], "."))
			}
		}
	}
	slices.Sort(missing)
	require.Empty(t, slices.Compact(missing), "the READMEs quote names their packages do not export")
}

// TestCatchesAMissingName proves the check can fail: a name no package
// exports is reported, a real one is not.
func TestCatchesAMissingName(t *testing.T) {
	e := exportedIn(t, filepath.Join("..", "..", "..", "vettrak"))
	require.True(t, e.has("Client", ""))
	require.True(t, e.has("Client", "Check"))
	require.True(t, e.has("Credentials", "Password"))
	require.False(t, e.has("NoSuchThing", ""))
	require.False(t, e.has("Client", "NoSuchMethod"))
}

// exported is a package's exported top-level names and, per type, its
// exported methods and struct fields.
type exported struct {
	top     map[string]bool
	members map[string]map[string]bool
}

func (e *exported) has(name, member string) bool {
	if !e.top[name] {
		return false
	}
	// A member the parser cannot see (promoted through an alias or an
	// embedded type from another package) is accepted only when the type
	// has no members we know of; otherwise the member must be listed.
	return member == "" || e.members[name][member] || len(e.members[name]) == 0
}

func exportedIn(t *testing.T, dir string) *exported {
	t.Helper()
	fset := token.NewFileSet()
	e := &exported{top: map[string]bool{}, members: map[string]map[string]bool{}}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, de := range entries {
		name := de.Name()
		if de.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			e.add(decl)
		}
	}
	return e
}

func (e *exported) member(typ, name string) {
	if !ast.IsExported(name) {
		return
	}
	if e.members[typ] == nil {
		e.members[typ] = map[string]bool{}
	}
	e.members[typ][name] = true
}

func (e *exported) add(decl ast.Decl) {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			e.top[d.Name.Name] = ast.IsExported(d.Name.Name) || e.top[d.Name.Name]
			return
		}
		recv := d.Recv.List[0].Type
		if star, ok := recv.(*ast.StarExpr); ok {
			recv = star.X
		}
		if idx, ok := recv.(*ast.IndexExpr); ok {
			recv = idx.X
		}
		if id, ok := recv.(*ast.Ident); ok {
			e.member(id.Name, d.Name.Name)
		}
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if !ast.IsExported(s.Name.Name) {
					continue
				}
				e.top[s.Name.Name] = true
				if st, ok := s.Type.(*ast.StructType); ok {
					for _, f := range st.Fields.List {
						for _, n := range f.Names {
							e.member(s.Name.Name, n.Name)
						}
					}
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if ast.IsExported(n.Name) {
						e.top[n.Name] = true
					}
				}
			}
		}
	}
}
