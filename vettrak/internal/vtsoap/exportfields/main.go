// Command exportfields is the second step of vtsoap's go:generate: it
// exports the struct fields gowsdl v0.5.0 leaves unexported because they
// are named after a basic type (ArrayOfInt's item field "int"), giving them
// the "A" prefix gowsdl itself gives "string" (Astring). An unexported
// field with a struct tag is a go vet finding in every package importing
// the generated code, and encoding/xml ignores it, so an int list could
// never be read. The XML element name lives in the tag and does not change.
//
// Usage (from vtsoap's directory): go run ./exportfields vtsoap.go
package main

import (
	"fmt"
	"os"
	"regexp"
)

// basicField is a struct field line named after a lower-case basic type.
var basicField = regexp.MustCompile("(?m)^(\\t)(int|int32|int64|float64|bool|byte)(\\s+\\[\\]\\S+\\s+`xml:)")

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: exportfields FILE.go")
		os.Exit(2)
	}
	path := os.Args[1]
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exportfields:", err)
		os.Exit(1)
	}
	out := basicField.ReplaceAll(src, []byte("${1}A${2}${3}"))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "exportfields:", err)
		os.Exit(1)
	}
}
