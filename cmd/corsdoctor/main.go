// Command corsdoctor diagnoses CORS failures the way a browser sees them.
package main

import (
	"os"

	"github.com/corsdoctor/corsdoctor/internal/cli"
)

func main() { os.Exit(cli.Main()) }
