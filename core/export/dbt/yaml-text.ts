/**
 * YAML text for the generated dbt files. Values are written in JSON-like flow style (quoted
 * strings, `[...]`, `{...}`), which YAML reads as written, with the characters that YAML
 * readers such as PyYAML refuse to see raw escaped as well.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

// DEL, the C1 controls but NEL, and the two non-characters: escaped on top of JSON's escapes.
const YAML_UNPRINTABLE = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/g;

/** A double-quoted YAML scalar of any text. */
export function yamlString(text: string): string {
  return JSON.stringify(text).replace(YAML_UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value in flow style on one line: `{"name": "country", "properties": ["a", "b"]}`. */
export function yamlFlow(value: YamlValue): string {
  if (typeof value === 'string') return yamlString(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(yamlFlow).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${yamlString(k)}: ${yamlFlow(v)}`).join(', ')}}`;
}
