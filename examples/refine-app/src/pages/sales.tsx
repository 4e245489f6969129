// sales.tsx: sales list with state tags; create and edit with an editable lines table; the workflow buttons.
//
// Odoo computes the totals and the line subtotals: the form shows them as
// Odoo returned them after the last save, never computed here.  The
// workflow buttons appear only in the states where Odoo accepts the
// transition (odoo-captures/WORKFLOW.txt; DESIGN.md section 3):
//   confirm  action_confirm   from draft or sent
//   cancel   action_cancel    from draft, sent or sale
//   draft    action_draft     from cancel or sent (on a confirmed order Odoo does nothing)
import { Create, DateField, Edit, EditButton, List, NumberField, Show, ShowButton, TextField, getDefaultSortOrder, useForm, useSelect, useTable } from "@refinedev/antd";
import { type BaseRecord, type CrudFilter, type HttpError, useApiUrl, useCustomMutation, useInvalidate, useShow, useTranslate } from "@refinedev/core";
import { CheckOutlined, DeleteOutlined, PlusOutlined, RollbackOutlined, StopOutlined } from "@ant-design/icons";
import { Button, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import type { ReactNode } from "react";

import { relId, relName, relValueProps } from "../relations";

type Line = {
	id?: number; product_id: { id: number; name: string } | number | null; name?: string;
	product_uom_qty: number; price_unit: number; discount: number;
	price_subtotal?: number; price_total?: number;
};
type State = "draft" | "sent" | "sale" | "cancel";
type Sale = BaseRecord & {
	name: string; partner_id: { id: number; name: string } | null; date_order: string; state: State;
	amount_untaxed: number; amount_tax: number; amount_total: number;
	client_order_ref: string | null; note: string | null; lines?: Line[];
};

export const TRANSITIONS: Record<"confirm" | "cancel" | "draft", State[]> = {
	confirm: ["draft", "sent"],
	cancel: ["draft", "sent", "sale"],
	draft: ["cancel", "sent"],
};

const STATE_COLOR: Record<State, string> = { draft: "blue", sent: "cyan", sale: "green", cancel: "default" };

export function StateTag({ state }: { state?: State }) {
	const t = useTranslate();
	return state ? <Tag color={STATE_COLOR[state]} data-testid="sale-state" data-state={state}>{t(`sales.states.${state}`, state)}</Tag> : null;
}

const money = (v?: number) => <NumberField value={v ?? 0} options={{ minimumFractionDigits: 2, maximumFractionDigits: 2 }} />;

export function SaleList() {
	const t = useTranslate();
	const { tableProps, searchFormProps, sorters } = useTable<Sale, HttpError, { q: string }>({
		sorters: { initial: [{ field: "date_order", order: "desc" }] },
		onSearch: ({ q }) => [{ field: "q", operator: "eq", value: q || undefined } as CrudFilter],
	});
	return (
		<List>
			<Form {...searchFormProps} layout="inline" style={{ marginBottom: 16 }}>
				<Form.Item name="q"><Input.Search placeholder={t("table.search")} allowClear onSearch={() => searchFormProps.form?.submit()} /></Form.Item>
			</Form>
			<Table {...tableProps} rowKey="id">
				<Table.Column dataIndex="name" title={t("sales.fields.name")} sorter defaultSortOrder={getDefaultSortOrder("name", sorters)} />
				<Table.Column dataIndex="partner_id" title={t("sales.fields.partner_id")} render={(v) => relName(v)} />
				<Table.Column dataIndex="date_order" title={t("sales.fields.date_order")} sorter
					defaultSortOrder={getDefaultSortOrder("date_order", sorters)} render={(v) => <DateField value={v} format="L LT" />} />
				<Table.Column dataIndex="state" title={t("sales.fields.state")} render={(s: State) => <StateTag state={s} />}
					filters={(["draft", "sent", "sale", "cancel"] as const).map((s) => ({ text: t(`sales.states.${s}`), value: s }))} />
				<Table.Column dataIndex="amount_total" title={t("sales.fields.amount_total")} sorter align="right" render={money} />
				<Table.Column<Sale> title={t("table.actions")} dataIndex="actions" render={(_, r) => (
					<Space>
						<EditButton hideText size="small" recordItemId={r.id} />
						<ShowButton hideText size="small" recordItemId={r.id} />
					</Space>
				)} />
			</Table>
		</List>
	);
}

/** The confirm / cancel / back-to-draft buttons that apply to a sale in its state. */
function WorkflowButtons({ sale }: { sale?: Sale }) {
	const t = useTranslate();
	const apiUrl = useApiUrl();
	const invalidate = useInvalidate();
	const { mutate, mutation } = useCustomMutation<Sale>();
	if (!sale)
		return null;
	const run = (action: keyof typeof TRANSITIONS) => mutate({
		url: `${apiUrl}/sales/${sale.id}/${action}`,
		method: "post",
		values: {},
		successNotification: (data) => ({ type: "success", message: t("sales.workflow.done", { state: t(`sales.states.${data?.data?.state}`) }) }),
	}, {
		onSettled: () => invalidate({ resource: "sales", id: sale.id, invalidates: ["list", "detail"] }),
	});
	const icons: Record<keyof typeof TRANSITIONS, ReactNode> = {
		confirm: <CheckOutlined />, cancel: <StopOutlined />, draft: <RollbackOutlined />,
	};
	return (
		<>
			{(Object.keys(TRANSITIONS) as (keyof typeof TRANSITIONS)[])
				.filter((a) => TRANSITIONS[a].includes(sale.state))
				.map((a) => (
					<Button key={a} data-testid={`sale-${a}`} icon={icons[a]} loading={mutation.isPending}
						type={a === "confirm" ? "primary" : "default"} danger={a === "cancel"} onClick={() => run(a)}>
						{t(`sales.workflow.${a}`)}
					</Button>
				))}
		</>
	);
}

/** The body the bridge takes: many2ones as ids, lines as the full desired list (DESIGN.md section 3). */
function toBody(values: Sale) {
	return {
		partner_id: relId(values.partner_id),
		client_order_ref: values.client_order_ref || null,
		note: values.note || null,
		lines: (values.lines ?? []).map((l) => ({
			...(l.id ? { id: l.id } : {}),
			product_id: relId(l.product_id),
			product_uom_qty: l.product_uom_qty,
			...(l.price_unit !== undefined && l.price_unit !== null ? { price_unit: l.price_unit } : {}),
			discount: l.discount ?? 0,
		})),
	};
}

function SaleForm({ formProps, sale }: { formProps: ReturnType<typeof useForm<Sale>>["formProps"]; sale?: Sale }) {
	const t = useTranslate();
	const editable = !sale || sale.state === "draft" || sale.state === "sent";
	const { selectProps: partners } = useSelect({
		resource: "customers", optionLabel: "name", pagination: { pageSize: 50 }, defaultValue: relId(sale?.partner_id) ?? undefined,
	});
	const lineProducts = (sale?.lines ?? []).map((l) => relId(l.product_id)).filter((id): id is number => id !== null);
	// Variants share a name: the option shows the internal reference too, as
	// Odoo does, and typing searches both (and the barcode): the bridge's q.
	const { selectProps: products, query: productsQuery } = useSelect<BaseRecord & { name: string; default_code: string | null; list_price: number }>({
		resource: "products", pagination: { pageSize: 50 }, defaultValue: lineProducts,
		optionLabel: (p) => (p.default_code ? `[${p.default_code}] ${p.name}` : p.name),
		onSearch: (value) => [{ field: "q", operator: "eq", value: value || undefined } as CrudFilter],
	});
	const form = formProps.form;
	// A product chosen on a line brings its sales price, as in Odoo.
	const priceOf = (id: number) => productsQuery.data?.data.find((p) => p.id === id)?.list_price;
	const byId = new Map((sale?.lines ?? []).filter((l) => l.id).map((l) => [l.id, l]));
	return (
		<Form {...formProps} layout="vertical" disabled={!editable}
			onFinish={(values) => formProps.onFinish?.(toBody(values as Sale) as unknown as Sale)}>
			<Space size="large" wrap align="start">
				<Form.Item name="partner_id" label={t("sales.fields.partner_id")} getValueProps={relValueProps}
					rules={[{ required: true, message: t("errors.required") }]}>
					<Select {...partners} showSearch style={{ width: 320 }} data-testid="partner-select" />
				</Form.Item>
				<Form.Item name="client_order_ref" label={t("sales.fields.client_order_ref")}><Input /></Form.Item>
			</Space>
			<Typography.Title level={5}>{t("sales.fields.lines")}</Typography.Title>
			<Form.List name="lines">
				{(fields, { add, remove }) => (
					<>
						<Table dataSource={fields} rowKey="key" pagination={false} size="small" data-testid="lines-table">
							<Table.Column title={t("sales.lines.product_id")} render={(_, f: { name: number }) => (
								<>
									<Form.Item name={[f.name, "id"]} hidden><InputNumber /></Form.Item>
									<Form.Item name={[f.name, "product_id"]} getValueProps={relValueProps} style={{ margin: 0 }}
										rules={[{ required: true, message: t("errors.required") }]}>
										<Select {...products} showSearch style={{ width: 280 }} data-testid={`line-${f.name}-product`}
											onChange={(id) => {
												const price = priceOf(Number(id));
												if (price !== undefined)
													form?.setFieldValue(["lines", f.name, "price_unit"], price);
											}} />
									</Form.Item>
								</>
							)} />
							<Table.Column title={t("sales.lines.product_uom_qty")} render={(_, f: { name: number }) => (
								<Form.Item name={[f.name, "product_uom_qty"]} style={{ margin: 0 }} rules={[{ required: true, message: t("errors.required") }]}>
									<InputNumber min={0} data-testid={`line-${f.name}-qty`} />
								</Form.Item>
							)} />
							<Table.Column title={t("sales.lines.price_unit")} render={(_, f: { name: number }) => (
								<Form.Item name={[f.name, "price_unit"]} style={{ margin: 0 }}>
									<InputNumber min={0} step={0.01} data-testid={`line-${f.name}-price`} />
								</Form.Item>
							)} />
							<Table.Column title={t("sales.lines.discount")} render={(_, f: { name: number }) => (
								<Form.Item name={[f.name, "discount"]} style={{ margin: 0 }}>
									<InputNumber min={0} max={100} data-testid={`line-${f.name}-discount`} />
								</Form.Item>
							)} />
							<Table.Column title={t("sales.lines.price_subtotal")} align="right" render={(_, f: { name: number }) => {
								// Odoo's subtotal of a saved line; a new or changed line gets one on save.
								const id = form?.getFieldValue(["lines", f.name, "id"]) as number | undefined;
								const saved = id ? byId.get(id) : undefined;
								return <span data-testid={`line-${f.name}-subtotal`}>{saved ? money(saved.price_subtotal) : "—"}</span>;
							}} />
							<Table.Column render={(_, f: { name: number }) => (
								<Button icon={<DeleteOutlined />} aria-label={t("sales.lines.remove")} onClick={() => remove(f.name)} />
							)} />
						</Table>
						<Button icon={<PlusOutlined />} style={{ marginTop: 8 }} data-testid="add-line"
							onClick={() => add({ product_uom_qty: 1, discount: 0 })}>{t("sales.lines.add")}</Button>
					</>
				)}
			</Form.List>
			<Form.Item name="note" label={t("sales.fields.note")} style={{ marginTop: 16 }}><Input.TextArea rows={2} /></Form.Item>
			{sale ? <Totals sale={sale} /> : <Typography.Text type="secondary">{t("sales.totalsAfterSave")}</Typography.Text>}
		</Form>
	);
}

/** The totals as Odoo computed them at the last save. */
function Totals({ sale }: { sale: Sale }) {
	const t = useTranslate();
	return (
		<Descriptions column={1} size="small" bordered style={{ maxWidth: 360, marginLeft: "auto" }} data-testid="totals">
			<Descriptions.Item label={t("sales.fields.amount_untaxed")}><span data-testid="amount_untaxed" data-value={sale.amount_untaxed}>{money(sale.amount_untaxed)}</span></Descriptions.Item>
			<Descriptions.Item label={t("sales.fields.amount_tax")}><span data-testid="amount_tax" data-value={sale.amount_tax}>{money(sale.amount_tax)}</span></Descriptions.Item>
			<Descriptions.Item label={t("sales.fields.amount_total")}><strong data-testid="amount_total" data-value={sale.amount_total}>{money(sale.amount_total)}</strong></Descriptions.Item>
		</Descriptions>
	);
}

export function SaleCreate() {
	// After the create, the edit page: the totals and subtotals Odoo computed.
	const { formProps, saveButtonProps } = useForm<Sale>({ redirect: "edit" });
	return <Create saveButtonProps={saveButtonProps}><SaleForm formProps={formProps} /></Create>;
}

export function SaleEdit() {
	// Stays on the page after a save, which reads the sale back with Odoo's totals.
	const { formProps, saveButtonProps, query } = useForm<Sale>({ redirect: false });
	const sale = query?.data?.data;
	const editable = !sale || sale.state === "draft" || sale.state === "sent";
	return (
		<Edit saveButtonProps={{ ...saveButtonProps, disabled: !editable }} isLoading={query?.isLoading}
			title={<Space>{sale?.name}<StateTag state={sale?.state} /></Space>}
			headerButtons={({ defaultButtons }) => <><WorkflowButtons sale={sale} />{defaultButtons}</>}>
			<SaleForm formProps={formProps} sale={sale} />
		</Edit>
	);
}

export function SaleShow() {
	const t = useTranslate();
	const { query } = useShow<Sale>();
	const s = query.data?.data;
	return (
		<Show isLoading={query.isLoading} title={<Space>{s?.name}<StateTag state={s?.state} /></Space>}
			headerButtons={({ defaultButtons }) => <><WorkflowButtons sale={s} />{defaultButtons}</>}>
			<Descriptions column={1} bordered size="small" style={{ marginBottom: 16 }}>
				<Descriptions.Item label={t("sales.fields.partner_id")}>{relName(s?.partner_id)}</Descriptions.Item>
				<Descriptions.Item label={t("sales.fields.date_order")}>{s?.date_order && <DateField value={s.date_order} format="L LT" />}</Descriptions.Item>
				<Descriptions.Item label={t("sales.fields.client_order_ref")}><TextField value={s?.client_order_ref ?? ""} /></Descriptions.Item>
			</Descriptions>
			<Table dataSource={s?.lines ?? []} rowKey="id" pagination={false} size="small">
				<Table.Column title={t("sales.lines.product_id")} dataIndex="product_id" render={(v) => relName(v)} />
				<Table.Column title={t("sales.lines.product_uom_qty")} dataIndex="product_uom_qty" align="right" />
				<Table.Column title={t("sales.lines.price_unit")} dataIndex="price_unit" align="right" render={money} />
				<Table.Column title={t("sales.lines.discount")} dataIndex="discount" align="right" />
				<Table.Column title={t("sales.lines.price_subtotal")} dataIndex="price_subtotal" align="right" render={money} />
			</Table>
			{s && <div style={{ marginTop: 16 }}><Totals sale={s} /></div>}
		</Show>
	);
}
