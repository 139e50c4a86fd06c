// zod's README, "Basic usage" and "Parsing data", unmodified; then what it returned.
import * as z from "zod";

const Player = z.object({
  username: z.string(),
  xp: z.number(),
});

Player.parse({ username: "billie", xp: 100 });
// => returns { username: "billie", xp: 100 }

console.log(Player.parse({ username: "billie", xp: 100 }));
const result = Player.safeParse({ username: 42, xp: "100" });
console.log(result.success, result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
