package core

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVersionEverywhere: the Go constant, the C header and the Python
// package name one release.
func TestVersionEverywhere(t *testing.T) {
	for file, pattern := range map[string]string{
		"../capi/include/entrena.h":              `(?m)^#define ENTRENA_VERSION_STRING "([^"]+)"`,
		"../bindings/python/entrena/__init__.py": `(?m)^__version__ = "([^"]+)"`,
		"../bindings/python/pyproject.toml":      `(?m)^version = "([^"]+)"`,
	} {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		m := regexp.MustCompile(pattern).FindSubmatch(b)
		require.NotNil(t, m, "%s: no version found", file)
		require.Equal(t, Version, string(m[1]), file)
	}
}
