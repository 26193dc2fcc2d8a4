// Stack all blocks on the middle of the table, await-style (both styles work).
const blocks = getObjects().filter((o) => o.kind === 'block');
let base = 'middle';
for (const b of blocks) {
  await putOn(b.name, base);
  base = b.name;
}
await home();
