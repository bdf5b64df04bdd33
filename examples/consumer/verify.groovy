// Run by cam4j's build (cam-examples) after `mvn package exec:exec`: the program printed the top class and wrote
// the overlay at the photo's size.
import javax.imageio.ImageIO

def log = new File(basedir, 'build.log').text
assert log.contains('Prediction[index=5, label=dog') : 'the top class of the bundled photo is dog'
def overlay = ImageIO.read(new File(basedir, 'target/overlay.png'))
def original = ImageIO.read(new File(photo))
assert overlay != null : 'target/overlay.png is a PNG'
assert overlay.width == original.width && overlay.height == original.height
// what the application inherits from cam4j: no Tribuo, no protobuf (relocated inside cam-onnx), no annotations
def tree = new File(basedir, 'target/dependency-tree.txt').text
assert !tree.contains('tribuo') && !tree.contains('protobuf') && !tree.contains('auto-service') : tree
return true
