package jsonld

import (
	"fmt"
	"testing"

	"github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/assert"
)

func TestCheckCanonCost(t *testing.T) {
	iri := func(s string) ld.Node { return ld.NewIRI(s) }
	blank := func(s string) ld.Node { return ld.NewBlankNode(s) }
	lit := func(s string) ld.Node { return ld.NewLiteral(s, "", "") }
	p := iri("http://x.example/#p")

	type canonCase struct {
		name  string
		quads []*ld.Quad
		ok    bool
	}
	tests := []canonCase{
		{"no blank nodes", []*ld.Quad{{Subject: iri("http://a"), Predicate: p, Object: lit("x")}}, true},
		{"tree of distinct nodes", []*ld.Quad{
			{Subject: iri("http://a"), Predicate: p, Object: blank("_:b0")},
			{Subject: blank("_:b0"), Predicate: p, Object: blank("_:b1")},
			{Subject: blank("_:b0"), Predicate: p, Object: blank("_:b2")},
			{Subject: blank("_:b1"), Predicate: p, Object: lit("one")},
			{Subject: blank("_:b2"), Predicate: p, Object: lit("two")},
		}, true},
		{"a few alike children", []*ld.Quad{
			{Subject: blank("_:b0"), Predicate: p, Object: blank("_:b1")},
			{Subject: blank("_:b0"), Predicate: p, Object: blank("_:b2")},
			{Subject: blank("_:b0"), Predicate: p, Object: blank("_:b3")},
		}, true},
		{"many alike children", func() []*ld.Quad {
			var qs []*ld.Quad
			for _, c := range []string{"_:c1", "_:c2", "_:c3", "_:c4", "_:c5", "_:c6", "_:c7", "_:c8", "_:c9"} {
				qs = append(qs, &ld.Quad{Subject: blank("_:b0"), Predicate: p, Object: blank(c)})
			}
			return qs
		}(), false},
	}
	chains := func(n int) []*ld.Quad {
		var qs []*ld.Quad
		for c := range 2 {
			for i := range n {
				pred := iri(fmt.Sprintf("http://x.example/#n%d", i))
				qs = append(qs, &ld.Quad{Subject: blank(fmt.Sprintf("_:c%d_%d", c, i)), Predicate: pred, Object: blank(fmt.Sprintf("_:c%d_%d", c, i+1))})
			}
		}
		return qs
	}
	tests = append(tests,
		canonCase{"two short identical chains", chains(50), true},
		canonCase{"two long identical chains", chains(400), false},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkCanonCost(&ld.RDFDataset{Graphs: map[string][]*ld.Quad{"@default": tt.quads}})
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrTooComplex)
			}
		})
	}
}

func TestQuadSig(t *testing.T) {
	q := &ld.Quad{Subject: ld.NewBlankNode("_:b0"), Predicate: ld.NewIRI("http://x.example/#p"), Object: ld.NewBlankNode("_:b1")}
	assert.Equal(t, `_:a <http://x.example/#p> _:z - `, quadSig(q, nil, "_:b0"))
	assert.Equal(t, `_:z <http://x.example/#p> _:a _:z `, quadSig(q, ld.NewBlankNode("_:g"), "_:b1"))
	q.Object = ld.NewLiteral("v", "", "en")
	assert.Contains(t, quadSig(q, nil, "_:b0"), `"v"^^`)
	assert.Equal(t, []string{"_:b0", "_:g"}, blankNodes(q.Subject, q.Object, ld.NewBlankNode("_:g"), ld.NewBlankNode("_:b0")))
}
