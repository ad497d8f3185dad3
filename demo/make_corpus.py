"""Writes demo/corpus/demo.jsonl: the ThinkStream team's own small demo corpus (CC0).

Run `python3 demo/make_corpus.py` after editing the documents below; the JSONL is committed.
"""
import json, pathlib

math = [
    ("A bakery sells muffins for $3 each and cookies for $1.50 each. Maya buys 4 muffins and 6 cookies. How much does she spend?",
     "Muffins cost 4 × 3 = 12 dollars. Cookies cost 6 × 1.50 = 9 dollars. Together she spends 12 + 9 = 21 dollars. Answer: 21"),
    ("A train leaves at 9:40 and arrives at 13:05. How long is the trip in minutes?",
     "From 9:40 to 12:40 is 3 hours = 180 minutes. From 12:40 to 13:05 is 25 minutes. Total 180 + 25 = 205 minutes. Answer: 205"),
    ("The sum of three consecutive even integers is 138. What is the largest of them?",
     "Call them n − 2, n, n + 2. Their sum is 3n = 138, so n = 46 and the largest is 48. Answer: 48"),
    ("A rectangle has a perimeter of 54 cm and its length is twice its width. Find its area.",
     "Let the width be w, so the length is 2w and 2(w + 2w) = 6w = 54, giving w = 9 and length 18. Area = 9 × 18 = 162 cm². Answer: 162"),
    ("Solve for x: 5x − 7 = 3x + 11.",
     "Subtract 3x from both sides: 2x − 7 = 11. Add 7: 2x = 18. Divide by 2: x = 9. Check: 5·9 − 7 = 38 and 3·9 + 11 = 38. Answer: 9"),
    ("How many positive divisors does 360 have?",
     "360 = 2^3 · 3^2 · 5. The number of divisors is (3 + 1)(2 + 1)(1 + 1) = 4 · 3 · 2 = 24. Answer: 24"),
    ("A fair die is rolled twice. What is the probability that the sum is 8?",
     "The pairs that sum to 8 are (2,6), (3,5), (4,4), (5,3), (6,2): 5 of the 36 equally likely outcomes. Probability 5/36. Answer: 5/36"),
    ("Find the remainder when 7^100 is divided by 5.",
     "Powers of 7 mod 5 cycle as 2, 4, 3, 1 with period 4. Since 100 is a multiple of 4, 7^100 ≡ 1 (mod 5). Answer: 1"),
    ("A savings account pays 4% interest compounded yearly. How much is $2,500 worth after 3 years, to the nearest cent?",
     "Value = 2500 × 1.04^3 = 2500 × 1.124864 = 2812.16 dollars. Answer: 2812.16"),
    ("If f(x) = x^2 − 4x + 1, find the minimum value of f.",
     "Complete the square: f(x) = (x − 2)^2 − 3. The square is at least 0, so the minimum is −3, reached at x = 2. Answer: −3"),
    ("Two pipes fill a tank in 6 hours and 3 hours working alone. How long do they take together?",
     "Rates add: 1/6 + 1/3 = 1/6 + 2/6 = 1/2 tank per hour, so together they take 2 hours. Answer: 2"),
    ("Prove that the square of any odd integer leaves remainder 1 when divided by 8.",
     "Write the odd integer as 2k + 1. Its square is 4k^2 + 4k + 1 = 4k(k + 1) + 1. One of k and k + 1 is even, so 4k(k + 1) is a multiple of 8, and the square is 1 more than a multiple of 8. ∎"),
]

prose = [
    "The river town woke slowly. Fishermen pulled their boats onto the gravel, and the baker's window fogged as the first loaves came out. By nine the market square was loud with people trading news about the weather and the price of apples.",
    "Honeybees communicate the location of food with a waggle dance. The angle of the dance relative to vertical tells other bees the direction of the flowers relative to the sun, and the length of the waggle run tells them how far to fly.",
    "Libraries began as collections of clay tablets and scrolls kept by temples and kings. Public lending libraries, open to anyone, spread in the nineteenth century and changed who could read widely.",
    "A good night's sleep does more than rest the body. During deep sleep the brain consolidates memories, and people who sleep well after learning a skill usually perform it better the next day.",
    "The old lighthouse keeper wrote in his log every evening: the wind, the ships he saw, the state of the lamp. After forty years the logbooks filled a whole shelf and told the story of the coast better than any history.",
    "Bread rises because yeast eats sugars in the dough and releases carbon dioxide. Gluten, the stretchy protein network formed by kneading, traps the gas in small bubbles, and baking sets the structure.",
    "Volcanic islands often form over hot spots, places where hot rock rises from deep in the mantle. As the tectonic plate moves over the hot spot, a chain of islands forms, oldest at one end and youngest at the other.",
    "Our team meets on Mondays to plan the week. We look at what shipped, what broke, and what users asked for, and then we choose the three things that matter most.",
    "Rainbows appear when sunlight enters raindrops, bends, reflects off the back of the drop and bends again on the way out. Each color bends by a slightly different amount, which spreads white light into its spectrum.",
    "The chess club's youngest member won the spring tournament. She had practiced endgames for months, and in the final game a careful king-and-pawn ending gave her the point.",
]

code = [
    "# Reading a file line by line in Python\n\nUse a `with` block so the file is closed even if an error occurs:\n\n```python\nwith open('data.txt', encoding='utf-8') as f:\n    for line in f:\n        print(line.rstrip('\\n'))\n```\n\nIterating over the file object reads one line at a time, so large files do not need to fit in memory.",
    "# Binary search\n\n`bisect_left(a, x)` returns the first index i where a[i] >= x in a sorted list. It halves the search range at every step, so it takes O(log n) comparisons.\n\n```python\ndef bisect_left(a, x):\n    lo, hi = 0, len(a)\n    while lo < hi:\n        mid = (lo + hi) // 2\n        if a[mid] < x:\n            lo = mid + 1\n        else:\n            hi = mid\n    return lo\n```",
    "# HTTP status codes\n\n2xx codes mean success (200 OK, 201 Created, 204 No Content). 3xx codes redirect. 4xx codes are client errors: 400 Bad Request, 401 Unauthorized, 404 Not Found, 429 Too Many Requests. 5xx codes are server errors such as 500 Internal Server Error and 503 Service Unavailable.",
    "# Git branches\n\nA branch is a movable pointer to a commit. `git switch -c feature` creates one and moves to it; commits then advance the branch. `git merge feature` joins its history into the current branch, and `git rebase main` replays its commits on top of main instead.",
    "# Memoization\n\nA recursive Fibonacci function recomputes the same values exponentially often. Caching results makes it linear:\n\n```python\nfrom functools import cache\n\n@cache\ndef fib(n: int) -> int:\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n```\n\n`fib(90)` now returns instantly because each value is computed once.",
    "# Kafka consumer groups\n\nConsumers that share a `group.id` split the partitions of a topic between them: each partition is read by exactly one member. When a member joins or leaves, the group rebalances. Committed offsets record how far the group has read, so a restarted consumer continues where the group stopped.",
    "# SQL joins\n\nAn INNER JOIN returns rows that match in both tables. A LEFT JOIN keeps every row of the left table and fills missing right-side columns with NULL.\n\n```sql\nSELECT o.id, c.name\nFROM orders o\nLEFT JOIN customers c ON c.id = o.customer_id;\n```",
    "# Unicode and UTF-8\n\nUTF-8 encodes each Unicode code point in one to four bytes. ASCII characters keep their single-byte values, so ASCII text is valid UTF-8. Bytes 0x80–0xBF only continue a multi-byte sequence, which lets a decoder resynchronize after an error.",
]

out = pathlib.Path(__file__).parent / "corpus" / "demo.jsonl"
with open(out, "w", encoding="utf-8") as f:
    for i, (problem, answer) in enumerate(math):
        f.write(json.dumps({"id": f"demo-math-{i:02d}", "text": f"{problem}\n\nSolution: {answer}", "kind": "math", "license": "CC0-1.0"}, ensure_ascii=False) + "\n")
    for i, text in enumerate(prose):
        f.write(json.dumps({"id": f"demo-prose-{i:02d}", "text": text, "kind": "prose", "license": "CC0-1.0"}, ensure_ascii=False) + "\n")
    for i, text in enumerate(code):
        f.write(json.dumps({"id": f"demo-code-{i:02d}", "text": text, "kind": "code-docs", "license": "CC0-1.0"}, ensure_ascii=False) + "\n")
print(out, len(math) + len(prose) + len(code))
