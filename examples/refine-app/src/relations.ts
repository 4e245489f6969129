// relations.ts: many2one fields between the API and antd forms.
//
// The bridge reads a many2one as {"id", "name"} (or null) and takes it back
// as an id (DESIGN.md section 3, "Value mapping"); a <Select> holds the id.

export type Relation = { id: number; name: string } | null;

/** The id of a many2one as read ({"id", "name"}), or as a select holds it (an id); null when empty. */
export function relId(value: unknown): number | null {
	if (value && typeof value === "object" && "id" in value)
		return Number((value as { id: unknown }).id);
	return typeof value === "number" ? value : null;
}

/** For <Form.Item getValueProps>: the select shows the id of the related record. */
export const relValueProps = (value: unknown) => ({ value: relId(value) ?? undefined });

/** The name of a many2one as read, for lists and show pages. */
export const relName = (value: unknown): string =>
	value && typeof value === "object" && "name" in value ? String((value as { name: unknown }).name) : "";
