// Reads the `vars:` block of a generated dbt_project.yml. The generator writes every value in
// JSON-compatible flow style (one line, or a block list of flow items), so each value is read
// with JSON.parse; anything else in the block fails loudly, which is itself a check of the file.

export function parseProjectVars(yaml: string): Record<string, unknown> {
  const lines = yaml.split('\n');
  const start = lines.indexOf('vars:');
  if (start === -1) throw new Error('dbt_project.yml has no vars: block');
  const vars: Record<string, unknown> = {};
  let listName: string | null = null;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    if (!line.startsWith('  ')) break; // the next top-level key
    const item = /^ {4}- (.*)$/.exec(line);
    if (item) {
      if (listName === null) throw new Error(`list item outside a list: ${line}`);
      (vars[listName] as unknown[]).push(JSON.parse(item[1]));
      continue;
    }
    const entry = /^ {2}([a-z_]+):(?: (.*))?$/.exec(line);
    if (!entry) throw new Error(`unexpected line in vars: ${line}`);
    if (entry[2] === undefined) {
      listName = entry[1];
      vars[listName] = [];
    } else {
      listName = null;
      vars[entry[1]] = JSON.parse(entry[2]);
    }
  }
  return vars;
}
