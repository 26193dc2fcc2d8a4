// Put each block in the bowl of the same colour; say which blocks have no matching bowl.
const objects = getObjects();
const bowls = new Map(objects.filter((o) => o.kind === 'bowl').map((b) => [b.color, b.name]));

for (const block of objects.filter((o) => o.kind === 'block')) {
  const bowl = bowls.get(block.color);
  if (bowl) {
    putOn(block.name, bowl);
  } else {
    say(`There is no ${block.color} bowl for the ${block.name}.`);
  }
}
print('holding:', holding());
