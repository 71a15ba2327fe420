// Command gen-sdk-dotnet writes the .NET SDK of a Pulumi package from its schema. The .NET code
// generator left github.com/pulumi/pulumi/pkg/v3 after v3.206.0 (it lives in pulumi-dotnet now,
// whose module the proxy does not serve), so this is tools/gen-sdk for .NET on pkg/v3 v3.206.0.
//
//	gen-sdk-dotnet <schema.json> <out dir>
//
// It writes <out dir>/dotnet, emptied first, in sorted order: the same schema gives the same files.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The name the generator puts in the "do not edit" header of every file (as tools/gen-sdk does).
const tool = "pulumi-vultr-user-access (npm run build:sdks)"

// noLoader refuses to load other packages: our schema references none (and a nil loader would
// make BindSpec start a plugin host).
type noLoader struct{}

func (noLoader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q, which gen-sdk-dotnet cannot load", name)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q, which gen-sdk-dotnet cannot load", d.Name)
}

// The generator downloads the package logo (a default on raw.githubusercontent.com when the schema
// names none) for the .nupkg: the machines that build the SDKs cannot reach the internet, and the
// output must not depend on a download, so every HTTP request gets this file instead.
//
//go:embed logo.png
var logo []byte

type offlineLogo struct{}

func (offlineLogo) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK,
		Status:     "200 OK",
		Header:     http.Header{"Content-Type": []string{"image/png"}},
		Body:       io.NopCloser(bytes.NewReader(logo)),
		Request:    req,
	}, nil
}

func main() {
	http.DefaultTransport = offlineLogo{}
	http.DefaultClient.Transport = offlineLogo{}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen-sdk-dotnet <schema.json> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], filepath.Join(os.Args[2], "dotnet")); err != nil {
		fmt.Fprintln(os.Stderr, "gen-sdk-dotnet:", err)
		os.Exit(1)
	}
}

func run(schemaPath, dir string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("reading %s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("binding %s: %s", schemaPath, diags.Error())
	}
	files, err := dotnet.GeneratePackage(tool, pkg, nil, nil)
	if err != nil {
		return fmt.Errorf("generating the dotnet SDK: %w", err)
	}
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
	fmt.Printf("gen-sdk-dotnet: %d files in %s\n", len(names), dir)
	return nil
}
