// Command gen-sdk writes the Node.js, Python and Go SDKs of a Pulumi package from its schema with
// the code generators of github.com/pulumi/pulumi/pkg/v3 (the ones `pulumi package gen-sdk` would
// reach through language hosts that our built hosts lack). The .NET generator left pkg/v3 after
// v3.206.0, so tools/gen-sdk-dotnet does .NET with that release.
//
//	gen-sdk <schema.json> <out dir> [language...]
//
// Each language goes to <out dir>/<language>, which is emptied first, so the output depends on the
// schema alone: the same schema gives the same files, byte for byte, on every run.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"golang.org/x/mod/modfile"
)

// The name the generators put in the "do not edit" header of every file.
const tool = "pulumi-vultr-user-access (npm run build:sdks)"

var generators = map[string]func(*schema.Package) (map[string][]byte, error){
	"nodejs": func(pkg *schema.Package) (map[string][]byte, error) {
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, noLoader{})
	},
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		return python.GeneratePackage(tool, pkg, nil, noLoader{})
	},
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		files, err := gogen.GeneratePackage(tool, pkg, nil)
		if err != nil {
			return nil, err
		}
		return files, requireOurGoSDK(files)
	},
}

// requireOurGoSDK makes the generated go.mod require the github.com/pulumi/pulumi/sdk/v3 this
// generator is built with (v3.274.1, the CLI's) instead of the generator's fixed v3.269.0, whose
// github.com/pulumi/pulumi-cloud-sdk the Go module proxy of our machines refuses.
func requireOurGoSDK(files map[string][]byte) error {
	raw, ok := files["go.mod"]
	if !ok {
		return nil
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("gen-sdk was built without module information")
	}
	const sdk = "github.com/pulumi/pulumi/sdk/v3"
	version := ""
	for _, dep := range info.Deps {
		if dep.Path == sdk {
			version = dep.Version
		}
	}
	if version == "" {
		return fmt.Errorf("gen-sdk was built without %s", sdk)
	}
	gomod, err := modfile.Parse("go.mod", raw, nil)
	if err != nil {
		return err
	}
	if err := gomod.AddRequire(sdk, version); err != nil {
		return err
	}
	files["go.mod"], err = gomod.Format()
	return err
}

// noLoader refuses to load other packages: our schema references none.
type noLoader struct{}

func (noLoader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q, which gen-sdk cannot load", name)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q, which gen-sdk cannot load", d.Name)
}

func (noLoader) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema references package %q, which gen-sdk cannot load", name)
}

func (noLoader) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema references package %q, which gen-sdk cannot load", d.Name)
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gen-sdk <schema.json> <out dir> [nodejs|python|go ...]")
		os.Exit(2)
	}
	languages := os.Args[3:]
	if len(languages) == 0 {
		languages = []string{"nodejs", "python", "go"}
	}
	if err := run(os.Args[1], os.Args[2], languages); err != nil {
		fmt.Fprintln(os.Stderr, "gen-sdk:", err)
		os.Exit(1)
	}
}

func run(schemaPath, outDir string, languages []string) error {
	for _, language := range languages {
		generate, ok := generators[language]
		if !ok {
			return fmt.Errorf("unknown language %q", language)
		}
		// Each generator decodes its own language section into the package, so each gets a fresh one.
		pkg, err := load(schemaPath)
		if err != nil {
			return err
		}
		files, err := generate(pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", language, err)
		}
		if err := writeFiles(filepath.Join(outDir, language), files); err != nil {
			return err
		}
	}
	return nil
}

func load(schemaPath string) (*schema.Package, error) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("reading %s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("binding %s: %s", schemaPath, diags.Error())
	}
	return pkg, nil
}

// writeFiles empties dir and writes files into it in sorted order (the map's order is random).
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("gen-sdk: %d files in %s\n", len(names), dir)
	return nil
}
