// A task pane as Microsoft's Office add-in template for React builds one, written for the
// first-render benchmark: React 19 and Fluent UI React v9 (FluentProvider with the web light
// theme, makeStyles, Image, Text, Field, Textarea, Button, three Fluent icons), rendered once
// Office is ready. What it draws matches the template's welcome page; the code is ours.
import * as React from "react";
import { createRoot } from "react-dom/client";
import {
  Button, Field, FluentProvider, Image, Textarea, makeStyles, tokens, webLightTheme,
} from "@fluentui/react-components";
import { DesignIdeas24Regular, LockOpen24Regular, Ribbon24Regular } from "@fluentui/react-icons";

const useStyles = makeStyles({
  root: { minHeight: "100vh" },
  header: {
    display: "flex", flexDirection: "column", alignItems: "center",
    paddingTop: "30px", paddingBottom: "30px", backgroundColor: tokens.colorNeutralBackground3,
  },
  welcome: { fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightRegular, color: tokens.colorNeutralForeground1 },
  features: { display: "flex", flexDirection: "column", alignItems: "center", marginTop: "20px" },
  message: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightRegular, paddingLeft: "10px", paddingRight: "10px" },
  list: { marginTop: "20px" },
  item: { display: "flex", alignItems: "center", marginBottom: "10px", color: tokens.colorNeutralForeground1 },
  itemText: { fontSize: tokens.fontSizeBase300, paddingLeft: "10px" },
  insertion: { display: "flex", flexDirection: "column", alignItems: "center" },
  field: { margin: "30px 20px 20px", maxWidth: "50%" },
  hint: { fontWeight: tokens.fontWeightSemibold, marginTop: "20px", marginBottom: "10px" },
});

const features = [
  [Ribbon24Regular, "Achieve more with Office integration"],
  [LockOpen24Regular, "Unlock features and functionality"],
  [DesignIdeas24Regular, "Create and visualize like a pro"],
];

function Pane() {
  const styles = useStyles();
  const [text, setText] = React.useState("Some text.");
  return (
    <div className={styles.root}>
      <section className={styles.header}>
        <Image width="90" height="90" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 90 90'%3E%3Crect width='90' height='90' rx='12' fill='%230f6cbd'/%3E%3C/svg%3E" alt="Contoso" />
        <h1 className={styles.welcome}>Welcome</h1>
      </section>
      <section className={styles.features}>
        <h2 className={styles.message}>Discover what this add-in can do for you today!</h2>
        <ul className={styles.list}>
          {features.map(([Icon, words]) => (
            <li className={styles.item} key={words}>
              <Icon /><span className={styles.itemText}>{words}</span>
            </li>
          ))}
        </ul>
      </section>
      <div className={styles.insertion}>
        <Field className={styles.field} size="large" label="Enter text to be inserted into the document.">
          <Textarea size="large" value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <Field className={styles.hint}>Click the button to insert text.</Field>
        <Button appearance="primary" size="large" onClick={() => {}}>Insert text</Button>
      </div>
    </div>
  );
}

const root = createRoot(document.getElementById("container"));
Office.onReady(() => {
  root.render(<FluentProvider theme={webLightTheme}><Pane /></FluentProvider>);
});
