// Oracle for test/lang/go-template.differential.test.ts: reads a JSON array of cases
// {"name", "template", "data"} on stdin, renders each with Go's text/template and sprig.TxtFuncMap() (as Iter8
// built its provider templates, adding Iter8's toYaml) and prints a JSON array of results: {"out": "..."} or
// {"err": "parse" | "exec", "msg": "..."}. In data, an object {"$int": "123"} stands for a Go int64 (JSON
// numbers decode to float64, as in Iter8). Run with GO111MODULE=off GOPATH=/usr/share/gocode TZ=UTC.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v2"
)

// toYAML is Iter8's template function (base/util.go): sigs.k8s.io/yaml.Marshal, which is json.Marshal
// followed by go-yaml v2's decoding and encoding of the JSON (its JSONToYAML), then the last newline dropped.
func toYAML(v interface{}) string {
	j, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var obj interface{}
	if err := yaml.Unmarshal(j, &obj); err != nil {
		return ""
	}
	data, err := yaml.Marshal(obj)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

type testCase struct {
	Name     string      `json:"name"`
	Template string      `json:"template"`
	Data     interface{} `json:"data"`
}

type result struct {
	Out *string `json:"out,omitempty"`
	Err string  `json:"err,omitempty"`
	Msg string  `json:"msg,omitempty"`
}

// goValue turns the {"$int": "n"} marker into an int64, recursively.
func goValue(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		if s, ok := x["$int"].(string); ok && len(x) == 1 {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				panic(err)
			}
			return n
		}
		for k, e := range x {
			x[k] = goValue(e)
		}
		return x
	case []interface{}:
		for i, e := range x {
			x[i] = goValue(e)
		}
		return x
	}
	return v
}

func funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	f["toYaml"] = toYAML
	return f
}

func render(c testCase) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r = result{Err: "exec", Msg: fmt.Sprint("panic: ", p)}
		}
	}()
	name := c.Name
	if name == "" {
		name = "t"
	}
	t, err := template.New(name).Funcs(funcs()).Parse(c.Template)
	if err != nil {
		return result{Err: "parse", Msg: err.Error()}
	}
	var out bytes.Buffer
	if err := t.Execute(&out, goValue(c.Data)); err != nil {
		return result{Err: "exec", Msg: err.Error()}
	}
	s := out.String()
	return result{Out: &s}
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "bad corpus:", err)
		os.Exit(1)
	}
	results := make([]result, len(cases))
	for i, c := range cases {
		results[i] = render(c)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
