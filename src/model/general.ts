// Is an instruction general, so that a reusable function is worth asking for? Asking for a documented tool
// costs a model 150–300 completion tokens instead of ~35 on a one-off ("put the red block in the blue bowl")
// for no benefit; it pays where the same steps serve other objects or places: arrangements and rules
// applied to every object. The model may still write a tool for any instruction.

const ARRANGEMENT =
  /\b(line|lines|row|rows|column|columns|stack|stacks|tower|pile|sort|arrange|group|circle|ring|triangle|square|grid|pattern|spread|evenly|spaced|diagonal|pyramid|order|alternate|alternating)\b/;
const EVERY_BY_A_RULE = /\b(each|every|matching|match|mismatched|different)\b/;

export function isGeneralInstruction(instruction: string): boolean {
  const text = instruction.toLowerCase();
  return ARRANGEMENT.test(text) || EVERY_BY_A_RULE.test(text);
}
