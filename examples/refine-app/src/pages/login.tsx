// login.tsx: the login form.  The bridge's users are Odoo's: a login, not always an email, so not Refine's <AuthPage>.
import { useLogin, useTranslate } from "@refinedev/core";
import { Button, Card, Form, Input, Layout, Typography } from "antd";

export function LoginPage() {
	const t = useTranslate();
	const { mutate: login, isPending } = useLogin<{ username: string; password: string }>();
	return (
		<Layout style={{ minHeight: "100vh", justifyContent: "center", alignItems: "center" }}>
			<Card style={{ width: 380 }}>
				<Typography.Title level={3}>{t("pages.login.title")}</Typography.Title>
				<Form layout="vertical" onFinish={(values) => login(values)} requiredMark={false}>
					<Form.Item name="username" label={t("pages.login.username")}
						rules={[{ required: true, message: t("pages.login.errors.requiredEmail") }]}>
						<Input autoComplete="username" autoFocus />
					</Form.Item>
					<Form.Item name="password" label={t("pages.login.password")}
						rules={[{ required: true, message: t("pages.login.errors.requiredPassword") }]}>
						<Input.Password autoComplete="current-password" />
					</Form.Item>
					<Button type="primary" htmlType="submit" block loading={isPending}>{t("pages.login.signin")}</Button>
				</Form>
			</Card>
		</Layout>
	);
}
