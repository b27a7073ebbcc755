package jsonld

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// maxCanonPermutations bounds the estimated work of labelling blank nodes.
//
// URDNA2015 names blank nodes that look alike (same statements, up to the
// names of other blank nodes) by trying every ordering of their alike
// neighbours, recursively: a 915-byte document of seven blank nodes all
// linked to each other takes seconds, eight take minutes. The estimate is
// the product, over blank nodes, of the factorials of the sizes of their
// groups of alike blank neighbours. Activity Streams documents are trees of
// distinct anonymous objects, whose estimate is 1 or close to it.
const maxCanonPermutations = 1 << 16

// maxCanonPathWork bounds the other cost of labelling look-alike blank
// nodes: each one is hashed along the paths of blank nodes connected to it,
// so two long identical chains cost the square of their length (two chains
// of a thousand nodes, 125 KB, take seconds). The estimate is the sum, over
// blank nodes that share their statements' shape with another, of the size
// of their connected group of blank nodes.
const maxCanonPathWork = 1 << 17

// checkCanonCost estimates how hard labelling the blank nodes of ds will be,
// and returns ErrTooComplex when the estimate exceeds maxCanonPermutations.
func checkCanonCost(ds *ld.RDFDataset) error {
	sigs := make(map[string][]string)              // blank node -> its statements, itself as _:a, other blank nodes as _:z
	neighbours := make(map[string]map[string]bool) // blank node -> blank nodes sharing a statement with it
	for graph, quads := range ds.Graphs {
		var g ld.Node
		if strings.HasPrefix(graph, "_:") {
			g = ld.NewBlankNode(graph)
		}
		for _, q := range quads {
			blanks := blankNodes(q.Subject, q.Object, g)
			for _, b := range blanks {
				sigs[b] = append(sigs[b], quadSig(q, g, b))
				for _, o := range blanks {
					if o == b {
						continue
					}
					if neighbours[b] == nil {
						neighbours[b] = make(map[string]bool)
					}
					neighbours[b][o] = true
				}
			}
		}
	}
	if len(neighbours) == 0 {
		return nil
	}
	sig := make(map[string]string, len(sigs))
	shared := make(map[string]int)
	for b, s := range sigs {
		sort.Strings(s)
		sig[b] = strings.Join(s, "\n")
		shared[sig[b]]++
	}
	if err := checkPathWork(neighbours, sig, shared); err != nil {
		return err
	}
	logCost, logMax := 0.0, math.Log(maxCanonPermutations)
	for _, ns := range neighbours {
		groups := make(map[string]int)
		for n := range ns {
			groups[sig[n]]++
		}
		for _, k := range groups {
			if k > 1 {
				lg, _ := math.Lgamma(float64(k + 1))
				logCost += lg
			}
		}
		if logCost > logMax {
			return fmt.Errorf("%w: blank nodes too alike to label in reasonable time", ErrTooComplex)
		}
	}
	return nil
}

// checkPathWork sums, over blank nodes whose signature another blank node
// shares, the size of their connected component of blank nodes.
func checkPathWork(neighbours map[string]map[string]bool, sig map[string]string, shared map[string]int) error {
	component := make(map[string]int) // blank node -> component index
	var sizes []int
	for start := range neighbours {
		if _, seen := component[start]; seen {
			continue
		}
		idx := len(sizes)
		sizes = append(sizes, 0)
		stack := []string{start}
		component[start] = idx
		for len(stack) > 0 {
			b := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			sizes[idx]++
			for n := range neighbours[b] {
				if _, seen := component[n]; !seen {
					component[n] = idx
					stack = append(stack, n)
				}
			}
		}
	}
	work := 0
	for b, idx := range component {
		if shared[sig[b]] > 1 {
			work += sizes[idx]
			if work > maxCanonPathWork {
				return fmt.Errorf("%w: too many look-alike blank nodes in long chains", ErrTooComplex)
			}
		}
	}
	return nil
}

// blankNodes returns the distinct blank node labels among nodes.
func blankNodes(nodes ...ld.Node) []string {
	var out []string
	for _, n := range nodes {
		if n == nil || !ld.IsBlankNode(n) {
			continue
		}
		v := n.GetValue()
		dup := false
		for _, o := range out {
			dup = dup || o == v
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

// quadSig writes q with self as _:a and every other blank node as _:z.
func quadSig(q *ld.Quad, g ld.Node, self string) string {
	var b strings.Builder
	for _, n := range []ld.Node{q.Subject, q.Predicate, q.Object, g} {
		switch {
		case n == nil:
			b.WriteString("-")
		case ld.IsBlankNode(n):
			if n.GetValue() == self {
				b.WriteString("_:a")
			} else {
				b.WriteString("_:z")
			}
		default:
			if l, ok := n.(ld.Literal); ok {
				fmt.Fprintf(&b, "%q^^%s@%s", l.Value, l.Datatype, l.Language)
			} else {
				b.WriteString("<" + n.GetValue() + ">")
			}
		}
		b.WriteByte(' ')
	}
	return b.String()
}
