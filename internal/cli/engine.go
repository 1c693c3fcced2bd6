package cli

import (
	"github.com/spf13/pflag"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/app"
)

// EngineFlag is --browser-engine: whose verdict explain, check and har
// report (chromium, firefox or webkit), or all three side by side.
// Without it the verdict is Chromium's and the other engines are shown
// when they differ.
type EngineFlag struct {
	Value string
}

// Register adds --browser-engine to fs.
func (f *EngineFlag) Register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Value, "browser-engine", "", "whose verdict: chromium, firefox, webkit (Safari) or all (every engine side by side); default Chromium's, with the others shown when they differ (docs/engines.md)")
}

// engineChoice is a parsed --browser-engine (app.EngineChoice).
type engineChoice = app.EngineChoice

// parse reads the flag; def is the primary engine when it is not given
// (har: the engine that recorded the file).
func (f *EngineFlag) parse(def cors.Engine) (engineChoice, error) {
	return app.ParseEngine(f.Value, def)
}
