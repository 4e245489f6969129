// partners.tsx: customers and suppliers (both res.partner, DESIGN.md section 3): list, create, edit, show.
// The resource comes from the route, so one set of pages serves both.
import { Create, DeleteButton, Edit, EditButton, List, Show, ShowButton, getDefaultSortOrder, useForm, useSelect, useTable } from "@refinedev/antd";
import { type BaseRecord, type CrudFilter, type HttpError, useShow, useTranslate } from "@refinedev/core";
import { Checkbox, Descriptions, Form, Input, Select, Space, Table } from "antd";

import { relId, relName, relValueProps } from "../relations";

type Partner = BaseRecord & {
	name: string; is_company: boolean; email: string | null; phone: string | null; mobile: string | null;
	vat: string | null; street: string | null; city: string | null; zip: string | null;
	country_id: { id: number; name: string } | null; website: string | null; comment: string | null;
};

export function PartnerList() {
	const t = useTranslate();
	const { tableProps, searchFormProps, sorters } = useTable<Partner, HttpError, { q: string }>({
		sorters: { initial: [{ field: "name", order: "asc" }] },
		onSearch: ({ q }) => [{ field: "q", operator: "eq", value: q || undefined } as CrudFilter],
	});
	const { selectProps: countries } = useSelect({ resource: "countries", optionLabel: "name", pagination: { pageSize: 300 } });
	return (
		<List>
			<Form {...searchFormProps} layout="inline" style={{ marginBottom: 16 }}>
				<Form.Item name="q"><Input.Search placeholder={t("table.search")} allowClear onSearch={() => searchFormProps.form?.submit()} /></Form.Item>
			</Form>
			<Table {...tableProps} rowKey="id">
				<Table.Column dataIndex="name" title={t("partners.fields.name")} sorter defaultSortOrder={getDefaultSortOrder("name", sorters)} />
				<Table.Column dataIndex="email" title={t("partners.fields.email")} sorter defaultSortOrder={getDefaultSortOrder("email", sorters)} />
				<Table.Column dataIndex="phone" title={t("partners.fields.phone")} />
				<Table.Column dataIndex="city" title={t("partners.fields.city")} sorter />
				<Table.Column dataIndex="country_id" title={t("partners.fields.country_id")} render={(v) => relName(v)}
					filters={countries.options?.map((o) => ({ text: String(o.label), value: o.value as number }))}
					filterSearch filterMultiple={false} />
				<Table.Column<Partner> title={t("table.actions")} dataIndex="actions" render={(_, r) => (
					<Space>
						<EditButton hideText size="small" recordItemId={r.id} />
						<ShowButton hideText size="small" recordItemId={r.id} />
						<DeleteButton hideText size="small" recordItemId={r.id} />
					</Space>
				)} />
			</Table>
		</List>
	);
}

function PartnerForm({ formProps, countryId }: { formProps: ReturnType<typeof useForm<Partner>>["formProps"]; countryId?: number | null }) {
	const t = useTranslate();
	const { selectProps: countries } = useSelect({ resource: "countries", optionLabel: "name", pagination: { pageSize: 300 }, defaultValue: countryId ?? undefined });
	return (
		<Form {...formProps} layout="vertical"
			onFinish={(values) => formProps.onFinish?.({ ...values, country_id: relId((values as Partner).country_id) })}>
			<Form.Item name="name" label={t("partners.fields.name")} rules={[{ required: true, message: t("errors.required") }]}><Input /></Form.Item>
			<Form.Item name="is_company" valuePropName="checked"><Checkbox>{t("partners.fields.is_company")}</Checkbox></Form.Item>
			<Space size="large" wrap>
				<Form.Item name="email" label={t("partners.fields.email")} rules={[{ type: "email", message: t("errors.email") }]}><Input /></Form.Item>
				<Form.Item name="phone" label={t("partners.fields.phone")}><Input /></Form.Item>
				<Form.Item name="mobile" label={t("partners.fields.mobile")}><Input /></Form.Item>
				<Form.Item name="vat" label={t("partners.fields.vat")}><Input /></Form.Item>
			</Space>
			<Space size="large" wrap>
				<Form.Item name="street" label={t("partners.fields.street")}><Input /></Form.Item>
				<Form.Item name="zip" label={t("partners.fields.zip")}><Input /></Form.Item>
				<Form.Item name="city" label={t("partners.fields.city")}><Input /></Form.Item>
				<Form.Item name="country_id" label={t("partners.fields.country_id")} getValueProps={relValueProps}>
					<Select {...countries} allowClear showSearch style={{ width: 220 }} />
				</Form.Item>
			</Space>
			<Form.Item name="website" label={t("partners.fields.website")}><Input /></Form.Item>
			<Form.Item name="comment" label={t("partners.fields.comment")}><Input.TextArea rows={3} /></Form.Item>
		</Form>
	);
}

export function PartnerCreate() {
	const { formProps, saveButtonProps } = useForm<Partner>();
	return <Create saveButtonProps={saveButtonProps}><PartnerForm formProps={formProps} /></Create>;
}

export function PartnerEdit() {
	const { formProps, saveButtonProps, query } = useForm<Partner>();
	return (
		<Edit saveButtonProps={saveButtonProps}>
			<PartnerForm formProps={formProps} countryId={relId(query?.data?.data?.country_id)} />
		</Edit>
	);
}

export function PartnerShow() {
	const t = useTranslate();
	const { query } = useShow<Partner>();
	const p = query.data?.data;
	const fields = ["name", "email", "phone", "mobile", "vat", "street", "zip", "city", "website", "comment"] as const;
	return (
		<Show isLoading={query.isLoading}>
			<Descriptions column={1} bordered size="small">
				{fields.map((f) => <Descriptions.Item key={f} label={t(`partners.fields.${f}`)}>{p?.[f]}</Descriptions.Item>)}
				<Descriptions.Item label={t("partners.fields.country_id")}>{relName(p?.country_id)}</Descriptions.Item>
			</Descriptions>
		</Show>
	);
}
