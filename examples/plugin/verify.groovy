// Run by cam4j's build (cam-examples) after `mvn package`: the plugin jar, dropped into plugins/ beside a copy of
// cam.jar, is listed by `cam methods` and used by `cam explain --method MyCAM`.
import java.nio.file.Files
import java.nio.file.StandardCopyOption

def plugin = new File(basedir, 'target/my-cam-1.0.jar')
assert plugin.isFile()
def cam = new File(basedir, 'target/cam')
new File(cam, 'plugins').mkdirs()
Files.copy(new File(camJar).toPath(), new File(cam, 'cam.jar').toPath(), StandardCopyOption.REPLACE_EXISTING)
Files.copy(plugin.toPath(), new File(cam, 'plugins/my-cam-1.0.jar').toPath(), StandardCopyOption.REPLACE_EXISTING)

def run = { List<String> args ->
    def process = new ProcessBuilder(['java', '-jar', new File(cam, 'cam.jar').path] + args)
            .directory(basedir).redirectErrorStream(true).start()
    def text = process.inputStream.text
    assert process.waitFor() == 0 : "cam ${args.join(' ')} failed:\n${text}"
    assert !text.contains('registers no cam4j provider') : text
    text
}
assert run(['methods']).contains('MyCAM')
def out = new File(basedir, 'target/explained')
run(['explain', '--method', 'MyCAM', '--out', out.path])
assert out.list().any { it.contains('.MyCAM.') } : "no MyCAM overlay in ${out.list()}"
return true
