// This file defines the SARIF 2.1.0 format, shaped for GitHub code scanning: one
// run, every code as a rule, relative URIs under %SRCROOT%, 1-based UTF-16 columns.

package diagnostics

import (
	"encoding/json"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	sarifBaseID  = "%SRCROOT%"
	// InformationURI is the tool's home page, shown by SARIF viewers.
	InformationURI = "https://github.com/cloudwerk/cloudwerk-lsp"
)

// SARIFPrinter writes a SARIF 2.1.0 log.
type SARIFPrinter struct{}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	ShortDescription     sarifText     `json:"shortDescription"`
	Help                 sarifText     `json:"help"`
	DefaultConfiguration sarifRuleConf `json:"defaultConfiguration"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

func (SARIFPrinter) Print(w io.Writer, r *Result) error {
	driver := sarifDriver{Name: "cloudwerk-lsp", Version: analysis.Version, InformationURI: InformationURI, Rules: []sarifRule{}}
	index := map[Code]int{}
	for i, rule := range Catalog {
		index[rule.Code] = i
		driver.Rules = append(driver.Rules, sarifRuleOf(rule))
	}
	run := sarifRun{Tool: sarifTool{driver}, ColumnKind: "utf16CodeUnits", Results: []sarifResult{}}
	for _, d := range r.Diagnostics {
		i, ok := index[d.Code]
		if !ok { // a code added without a catalog entry still gets a rule
			i = len(driver.Rules)
			index[d.Code] = i
			driver.Rules = append(driver.Rules, sarifRuleOf(RuleFor(d.Code)))
			run.Tool.Driver = driver
		}
		res := sarifResult{
			RuleID: string(d.Code), RuleIndex: i, Level: sarifLevel(d.Severity),
			Message:   sarifText{d.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalOf(r.Base, d.Path, d.Range)}},
		}
		for j, rel := range d.Related {
			id := j + 1
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID: &id, PhysicalLocation: sarifPhysicalOf(r.Base, rel.Path, rel.Range), Message: &sarifText{rel.Message},
			})
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleOf(rule Rule) sarifRule {
	return sarifRule{
		ID: string(rule.Code), Name: ruleName(rule.Code),
		ShortDescription:     sarifText{rule.Short},
		Help:                 sarifText{rule.Help},
		DefaultConfiguration: sarifRuleConf{sarifLevel(rule.Severity)},
	}
}

// ruleName is the code in PascalCase (SARIF's rule name): INVALID_NAME -> InvalidName.
func ruleName(c Code) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.ToLower(string(c)), "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func sarifPhysicalOf(base, p string, rg analysis.Range) sarifPhysical {
	rel := relPath(base, p)
	art := sarifArtifact{URI: escapePath(rel), URIBaseID: sarifBaseID}
	if path.IsAbs(rel) { // outside the working directory: an absolute file URI
		art = sarifArtifact{URI: "file://" + escapePath(rel)}
	}
	end := rg.End
	if end.Offset < rg.Start.Offset || end.Line < rg.Start.Line {
		end = rg.Start
	}
	return sarifPhysical{ArtifactLocation: art, Region: sarifRegion{
		StartLine: line1(rg.Start.Line), StartColumn: col1(rg.Start.Col16),
		EndLine: line1(end.Line), EndColumn: col1(end.Col16),
	}}
}

// escapePath percent-encodes each segment of a slash path (e.g. `[room]`); a
// colon too, so no segment of a relative reference reads as a scheme.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}
