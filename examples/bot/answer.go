package main

import (
	"fmt"
	"html"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
)

var (
	breaks  = regexp.MustCompile(`(?i)<br\s*/?>|</?(p|div|li|blockquote)\b[^>]*>`)
	tags    = regexp.MustCompile(`<[^>]*>`)
	mention = regexp.MustCompile(`(^|\s)@[\w.\-]+(@[\w.\-:]+)?`)
	dice    = regexp.MustCompile(`(?i)\b(\d{0,2})d(\d{1,4})\b`)
	roll    = regexp.MustCompile(`(?i)\b(roll|dice)\b`)
)

// Limits of a roll, so a mention cannot make the bot count forever.
const (
	maxDice  = 20
	maxSides = 1000
)

// plainText turns a post's HTML into text: tags dropped (paragraphs and
// line breaks become spaces), entities decoded, mentions removed, spaces
// collapsed.
func plainText(content string) string {
	s := breaks.ReplaceAllString(content, " ")
	s = tags.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = mention.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(s), " ")
}

// answer is the bot's reply to a mention whose text is text: a dice roll
// when asked for one ("roll", "d6", "3d20"), else an echo.
func answer(text string, rng *rand.Rand) string {
	if m := dice.FindStringSubmatch(text); m != nil {
		n, sides := 1, 6
		if m[1] != "" {
			n, _ = strconv.Atoi(m[1])
		}
		sides, _ = strconv.Atoi(m[2])
		if n >= 1 && n <= maxDice && sides >= 2 && sides <= maxSides {
			return rollDice(n, sides, rng)
		}
		return fmt.Sprintf("I roll 1 to %d dice of 2 to %d sides.", maxDice, maxSides)
	}
	if roll.MatchString(text) {
		return rollDice(1, 6, rng)
	}
	if text == "" {
		return "You rang? Mention me with “roll”, “d20” or “3d6”, or anything else and I echo it."
	}
	return "You said: " + text
}

// rollDice rolls n dice of the given sides: "d6 → 4", "3d6 → 2 + 5 + 1 = 8".
func rollDice(n, sides int, rng *rand.Rand) string {
	total := 0
	parts := make([]string, n)
	for i := range n {
		v := rng.IntN(sides) + 1
		total += v
		parts[i] = strconv.Itoa(v)
	}
	if n == 1 {
		return fmt.Sprintf("d%d → %d", sides, total)
	}
	return fmt.Sprintf("%dd%d → %s = %d", n, sides, strings.Join(parts, " + "), total)
}
