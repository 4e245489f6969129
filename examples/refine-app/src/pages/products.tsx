// products.tsx: products list (search, sort, category filter, paging), create, edit and show.
import { Create, DeleteButton, Edit, EditButton, FilterDropdown, List, NumberField, Show, ShowButton, TextField, getDefaultSortOrder, useForm, useSelect, useTable } from "@refinedev/antd";
import { type BaseRecord, type CrudFilter, type HttpError, useShow, useTranslate } from "@refinedev/core";
import { Checkbox, Descriptions, Form, Input, InputNumber, Select, Space, Table } from "antd";

import { relId, relName, relValueProps } from "../relations";

type Product = BaseRecord & {
	name: string; default_code: string | null; barcode: string | null; list_price: number;
	standard_price: number; categ_id: { id: number; name: string } | null; type: string;
	sale_ok: boolean; purchase_ok: boolean; description_sale: string | null;
};

export function ProductList() {
	const t = useTranslate();
	const { tableProps, searchFormProps, sorters } = useTable<Product, HttpError, { q: string }>({
		sorters: { initial: [{ field: "name", order: "asc" }] },
		onSearch: ({ q }) => [{ field: "q", operator: "eq", value: q || undefined } as CrudFilter],
	});
	const { selectProps: categories } = useSelect({ resource: "categories", optionLabel: "complete_name", searchField: "name", pagination: { pageSize: 100 } });
	return (
		<List>
			<Form {...searchFormProps} layout="inline" style={{ marginBottom: 16 }}>
				<Form.Item name="q"><Input.Search placeholder={t("table.search")} allowClear onSearch={() => searchFormProps.form?.submit()} data-testid="search" /></Form.Item>
			</Form>
			<Table {...tableProps} rowKey="id" data-testid="products-table">
				<Table.Column dataIndex="default_code" title={t("products.fields.default_code")} sorter defaultSortOrder={getDefaultSortOrder("default_code", sorters)} />
				<Table.Column dataIndex="name" title={t("products.fields.name")} sorter defaultSortOrder={getDefaultSortOrder("name", sorters)} />
				<Table.Column dataIndex="categ_id" title={t("products.fields.categ_id")} render={(v) => relName(v)}
					filterDropdown={(props) => (
						<FilterDropdown {...props} mapValue={(v) => (v === undefined || v === null ? v : Number(v))}>
							<Select {...categories} style={{ minWidth: 220 }} placeholder={t("products.fields.categ_id")} />
						</FilterDropdown>
					)} />
				<Table.Column dataIndex="list_price" title={t("products.fields.list_price")} sorter align="right"
					defaultSortOrder={getDefaultSortOrder("list_price", sorters)}
					render={(v: number) => <NumberField value={v} options={{ minimumFractionDigits: 2, maximumFractionDigits: 2 }} />} />
				<Table.Column<Product> title={t("table.actions")} dataIndex="actions" render={(_, r) => (
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

function ProductForm({ formProps, categoryId }: { formProps: ReturnType<typeof useForm<Product>>["formProps"]; categoryId?: number | null }) {
	const t = useTranslate();
	const { selectProps: categories } = useSelect({
		resource: "categories", optionLabel: "complete_name", searchField: "name", pagination: { pageSize: 100 },
		defaultValue: categoryId ?? undefined,
	});
	return (
		<Form {...formProps} layout="vertical"
			onFinish={(values) => formProps.onFinish?.({ ...values, categ_id: relId((values as Product).categ_id) })}>
			<Form.Item name="name" label={t("products.fields.name")} rules={[{ required: true, message: t("errors.required") }]}><Input /></Form.Item>
			<Space size="large" wrap>
				<Form.Item name="default_code" label={t("products.fields.default_code")}><Input /></Form.Item>
				<Form.Item name="barcode" label={t("products.fields.barcode")}><Input /></Form.Item>
				<Form.Item name="list_price" label={t("products.fields.list_price")}><InputNumber min={0} step={0.01} /></Form.Item>
				<Form.Item name="standard_price" label={t("products.fields.standard_price")}><InputNumber min={0} step={0.01} /></Form.Item>
			</Space>
			<Form.Item name="categ_id" label={t("products.fields.categ_id")} getValueProps={relValueProps}>
				<Select {...categories} allowClear style={{ maxWidth: 400 }} />
			</Form.Item>
			<Space size="large">
				<Form.Item name="sale_ok" valuePropName="checked"><Checkbox>{t("products.fields.sale_ok")}</Checkbox></Form.Item>
				<Form.Item name="purchase_ok" valuePropName="checked"><Checkbox>{t("products.fields.purchase_ok")}</Checkbox></Form.Item>
			</Space>
			<Form.Item name="description_sale" label={t("products.fields.description_sale")}><Input.TextArea rows={3} /></Form.Item>
		</Form>
	);
}

export function ProductCreate() {
	const { formProps, saveButtonProps } = useForm<Product>();
	return <Create saveButtonProps={saveButtonProps}><ProductForm formProps={formProps} /></Create>;
}

export function ProductEdit() {
	const { formProps, saveButtonProps, query } = useForm<Product>();
	return (
		<Edit saveButtonProps={saveButtonProps}>
			<ProductForm formProps={formProps} categoryId={relId(query?.data?.data?.categ_id)} />
		</Edit>
	);
}

export function ProductShow() {
	const t = useTranslate();
	const { query } = useShow<Product>();
	const p = query.data?.data;
	return (
		<Show isLoading={query.isLoading}>
			<Descriptions column={1} bordered size="small">
				<Descriptions.Item label={t("products.fields.name")}><TextField value={p?.name} /></Descriptions.Item>
				<Descriptions.Item label={t("products.fields.default_code")}>{p?.default_code}</Descriptions.Item>
				<Descriptions.Item label={t("products.fields.barcode")}>{p?.barcode}</Descriptions.Item>
				<Descriptions.Item label={t("products.fields.categ_id")}>{relName(p?.categ_id)}</Descriptions.Item>
				<Descriptions.Item label={t("products.fields.list_price")}><NumberField value={p?.list_price ?? 0} /></Descriptions.Item>
				<Descriptions.Item label={t("products.fields.standard_price")}><NumberField value={p?.standard_price ?? 0} /></Descriptions.Item>
				<Descriptions.Item label={t("products.fields.description_sale")}>{p?.description_sale}</Descriptions.Item>
			</Descriptions>
		</Show>
	);
}
