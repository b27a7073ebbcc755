package postgres_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/starling-fed/starling/store/postgres"
)

// Open the store in its own schema of a shared database. Every app
// instance opens it the same way; they then share keys, follows and the
// delivery queue.
func Example() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), postgres.Config{Schema: "starling"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("schema version", v)
}
