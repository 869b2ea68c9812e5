// The OWL 2 DL profile check of OWLAPI (inside the HermiT jar that owlready2 ships), for
// `chuangshu check-ontology --profile` and the tests: one line per violation, exit 1 if any.
// Run with Java's source launcher (no compiled class is kept):
//   java -cp HermiT.jar ProfileCheck.java FILE.ttl|.rdf|.owl ...
import java.io.File;
import java.util.List;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        int violations = 0;
        for (String path : args) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(new File(path)), config);
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            List<OWLProfileViolation> found = report.getViolations();
            for (OWLProfileViolation v : found) {
                System.out.println(path + ": " + v.toString().replace('\n', ' '));
            }
            violations += found.size();
            System.out.println(path + ": " + found.size() + " violation(s) of the OWL 2 DL profile");
        }
        System.exit(violations == 0 ? 0 : 1);
    }
}
